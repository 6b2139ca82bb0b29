import * as tf from '@tensorflow/tfjs';
import { batchNorm, sequence, type Expr } from '@reparam/core';
import { ReparamLayer } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp } from './_internal/conv-op.js';

/**
 * Base of the online re-parameterized blocks (OREPA, Hu et al., CVPR 2022): each branch's
 * batch-norm becomes a learnable per-channel scale (`branch_scales`, `[branches, out]`, OREPA's
 * `vector`, starting at 1 as the batch-norms' gammas do); every step the block's KxK kernel is
 * built from the branch weights with differentiable tfjs ops (each branch embedded in the KxK
 * window, scaled, summed), and the block runs that one conv and one batch-norm (`bn`). Training
 * then costs about what the plain conv + BN costs; `toExpr()` is the branches with their scales
 * (core's recipe) followed by the batch-norm, so the deploy conv comes from core, exactly.
 */
export abstract class OnlineBlock extends ReparamLayer {
  private scales!: tf.LayerVariable;
  private bn!: BatchNormVars;

  /** Number of branches. */
  protected abstract get branchCount(): number;
  /** Creates the branch weights; `inChannels` and `outChannels` are set. */
  protected abstract createBranches(): void;
  /** Each branch's kernel embedded in the KxK window, in the block's kernel layout, in branch order. */
  protected abstract embeddedKernels(): tf.Tensor4D[];
  /** The branches as core's recipe with per-branch scales (OIHW), without the batch-norm. */
  protected abstract branchesExpr(scales: Float64Array[]): Expr;

  protected createWeights(): void {
    this.createBranches();
    const shape = [this.branchCount, this.outChannels];
    this.scales = this.addWeight('branch_scales', shape, 'float32', tf.initializers.ones());
    this.bn = this.addBatchNorm('bn', this.outChannels);
  }

  /** The block's KxK kernel now: `sum_b scale_b * embed(W_b)`, differentiable in every weight. */
  kernel(): tf.Tensor4D {
    const [, , c, m] = this.kernelShape(this.kernelSize, this.kernelSize);
    // Scales are per output channel: `[c, m]` of a depthwise kernel, the last axis of a dense one.
    const perChannel = this.depthwise
      ? [this.branchCount, 1, 1, c, m]
      : [this.branchCount, 1, 1, 1, m];
    const stacked = tf.stack(this.embeddedKernels());
    return tf.sum(tf.mul(stacked, tf.reshape(this.scales.read(), perChannel)), 0);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    const y = convOp(x, this.kernel(), this.strides, [p, p, p, p], this.depthwise);
    return this.norm([y], this.bn, training);
  }

  protected expr(): Expr {
    const all = Float64Array.from(this.scales.read().dataSync());
    const o = this.outChannels;
    const scales = Array.from({ length: this.branchCount }, (_, b) =>
      all.slice(b * o, (b + 1) * o),
    );
    return sequence(this.branchesExpr(scales), batchNorm(this.bn.toBatchNorm(this.epsilon)));
  }

  /** `kernel` (`[kh, kw, c, m]`) zero-padded to the KxK window, centred. */
  protected embed(kernel: tf.Tensor): tf.Tensor4D {
    const [kh, kw] = kernel.shape;
    const k = this.kernelSize;
    const [dh, dw] = [(k - kh) / 2, (k - kw) / 2];
    if (dh === 0 && dw === 0) return kernel as tf.Tensor4D;
    return tf.pad(kernel as tf.Tensor4D, [
      [dh, dh],
      [dw, dw],
      [0, 0],
      [0, 0],
    ]);
  }
}
