import * as tf from '@tensorflow/tfjs';
import { batchNorm, sequence, type Expr } from '@reparam/core';
import {
  ONLINE_KERNEL,
  ONLINE_KERNEL_GRAD,
  type OnlineKernelAttrs,
} from '../kernels/online-kernel.js';
import { hasFusedKernel } from '../kernels/register.js';
import { ReparamLayer } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { explicitPad } from './_internal/conv-op.js';
import {
  branchKernel,
  composedProduct,
  composedProductGrad,
  type OnlineBranch,
} from './_internal/online-branches.js';

/**
 * Base of the online re-parameterized blocks (OREPA, Hu et al., CVPR 2022): each branch's
 * batch-norm becomes a learnable per-channel scale (`branch_scales`, `[branches, out]`, OREPA's
 * `vector`, starting at 1 as the batch-norms' gammas do); every step the block's KxK kernel is
 * built from the branch weights (each branch scaled and placed in the KxK window, summed) and the
 * block runs that one conv and one batch-norm (`bn`). On cpu and wasm the kernel and the conv are
 * one custom op: one JS kernel builds the kernel, and the backward pass rebuilds it and sends its
 * gradient to every branch weight and scale with one more, so a step keeps no more than the
 * plain conv + BN keeps (x and the variables); elsewhere tfjs ops build it. `toExpr()` is the
 * branches with their scales (core's recipe) then the batch-norm: the deploy conv comes from
 * core, exactly.
 */
export abstract class OnlineBlock extends ReparamLayer {
  private scales!: tf.LayerVariable;
  private bn!: BatchNormVars;
  private branchList: OnlineBranch[] = [];

  /** Creates the branch weights and returns the branches, in order (`inChannels` etc. are set). */
  protected abstract createBranches(): OnlineBranch[];
  /** The branches as core's recipe with per-branch scales (OIHW), without the batch-norm. */
  protected abstract branchesExpr(scales: Float64Array[]): Expr;

  protected createWeights(): void {
    this.branchList = this.createBranches();
    const shape = [this.branchList.length, this.outChannels];
    this.scales = this.addWeight('branch_scales', shape, 'float32', tf.initializers.ones());
    this.bn = this.addBatchNorm('bn', this.outChannels);
  }

  private get attrs(): OnlineKernelAttrs {
    const kinds = this.branchList.map((b) => (b.kind === 'composed' ? 'embed' : b.kind));
    return { kinds, k: this.kernelSize, depthwise: this.depthwise };
  }

  /** The branch weights (variables or given tensors), in branch order. */
  private weightTensors(): tf.Tensor[] {
    return this.branchList.flatMap((b) => b.weights.map((w) => w.read()));
  }

  /** Splits flat weight tensors per branch. */
  private perBranch(ws: readonly tf.Tensor[]): tf.Tensor[][] {
    let at = 0;
    return this.branchList.map((b) => ws.slice(at, (at += b.weights.length)));
  }

  /** The fused kernel's weight inputs: each branch's weight, a composed branch's product. */
  private kernelInputs(ws: readonly tf.Tensor[]): tf.NamedTensorMap {
    const named: tf.NamedTensorMap = {};
    let i = 0;
    this.perBranch(ws).forEach((own, b) => {
      const kind = this.branchList[b].kind;
      if (kind === 'identity') return;
      named[`w${i++}`] =
        kind === 'composed' ? composedProduct(own[0], own[1], this.depthwise) : own[0];
    });
    return named;
  }

  /** The block's KxK kernel now (current weights), in the layer's kernel layout. */
  kernel(): tf.Tensor4D {
    return tf.tidy(() => this.buildKernel(this.weightTensors(), this.scales.read()));
  }

  private buildKernel(ws: readonly tf.Tensor[], scales: tf.Tensor): tf.Tensor4D {
    if (hasFusedKernel(ONLINE_KERNEL, tf.getBackend())) {
      const inputs = { ...this.kernelInputs(ws), scales };
      return tf.engine().runKernel<tf.Tensor4D>(ONLINE_KERNEL, inputs, { ...this.attrs });
    }
    // Other backends: tfjs ops, differentiated by the tape.
    const [, , c, m] = this.kernelShape(1, 1);
    const parts = this.perBranch(ws).map((own, b) => {
      const row = tf.slice(scales, [b, 0], [1, -1]);
      const s = this.depthwise ? tf.reshape(row, [c, m]) : tf.reshape(row, [m]);
      return branchKernel(
        this.branchList[b],
        own,
        s,
        this.kernelSize,
        this.depthwise,
        this.inChannels,
      );
    });
    return parts.length === 1 ? parts[0] : tf.addN(parts);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    const pad = p === 0 ? 'valid' : explicitPad([p, p, p, p]);
    const conv = (xi: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D =>
      this.depthwise
        ? tf.depthwiseConv2d(xi, w, this.strides, pad)
        : tf.conv2d(xi, w, this.strides, pad);
    const ws = this.weightTensors();
    if (!hasFusedKernel(ONLINE_KERNEL, tf.getBackend())) {
      return this.norm([conv(x, this.buildKernel(ws, this.scales.read()))], this.bn, training);
    }
    const op = tf.customGrad((...args: unknown[]) => {
      const ins = args.slice(0, -1) as tf.Tensor[];
      const save = args[args.length - 1] as (t: tf.Tensor[]) => void;
      save(ins); // the input and the variables: nothing a plain conv does not keep
      const [xi, ...rest] = ins;
      return {
        value: conv(xi as tf.Tensor4D, this.buildKernel(rest.slice(0, -1), rest[rest.length - 1])),
        // tfjs calls a custom gradient outside any tidy: free its intermediates here, or they
        // live until the whole backward pass ends.
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
          tf.tidy(() => this.backward(Array.isArray(dy) ? dy[0] : dy, saved, pad)),
      };
    });
    const y = op(x, ...ws, this.scales.read());
    return this.norm([y], this.bn, training);
  }

  /** Gradients of x, every branch weight and the scales from dy of the conv. */
  private backward(
    dy: tf.Tensor,
    saved: tf.Tensor[],
    pad: 'valid' | tf.backend_util.ExplicitPadding,
  ): tf.Tensor[] {
    const [x, ...rest] = saved;
    const [ws, scales] = [rest.slice(0, -1), rest[rest.length - 1]];
    const inputs = this.kernelInputs(ws);
    const w = tf
      .engine()
      .runKernel<tf.Tensor4D>(ONLINE_KERNEL, { ...inputs, scales }, { ...this.attrs });
    const attrs = { strides: this.strides, pad, dataFormat: 'NHWC', dilations: 1 };
    const [input, filter] = this.depthwise
      ? ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']
      : ['Conv2DBackpropInput', 'Conv2DBackpropFilter'];
    const dx = tf
      .engine()
      .runKernel<tf.Tensor>(input, { dy, filter: w }, { ...attrs, inputShape: x.shape });
    const g = tf
      .engine()
      .runKernel<tf.Tensor>(filter, { x, dy }, { ...attrs, filterShape: w.shape });
    const grads = tf
      .engine()
      .runKernel<tf.Tensor[]>(ONLINE_KERNEL_GRAD, { dy: g, ...inputs, scales }, { ...this.attrs });
    // Back from the kernel's inputs to the branch weights (a composed branch: its two factors).
    const dws: tf.Tensor[] = [];
    let i = 0;
    this.perBranch(ws).forEach((own, b) => {
      const kind = this.branchList[b].kind;
      if (kind === 'identity') return;
      const d = grads[i++];
      if (kind === 'composed') dws.push(...composedProductGrad(own[0], own[1], d, this.depthwise));
      else dws.push(d);
    });
    return [dx, ...dws, grads[grads.length - 1]];
  }

  protected expr(): Expr {
    const all = Float64Array.from(this.scales.read().dataSync());
    const o = this.outChannels;
    const scales = this.branchList.map((_, b) => all.slice(b * o, (b + 1) * o));
    return sequence(this.branchesExpr(scales), batchNorm(this.bn.toBatchNorm(this.epsilon)));
  }
}
