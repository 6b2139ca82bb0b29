import * as tf from '@tensorflow/tfjs';
import { largeKernel, ShapeError, type Expr } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/** Arguments of {@link LargeKernelConv}. */
export interface LargeKernelConvArgs extends ReparamLayerArgs {
  /** Odd size k < K of the parallel small kernel (default 5 when K > 5, else K - 2). */
  smallKernelSize?: number;
}

/**
 * RepLKNet's re-parameterized large kernel (Ding et al., CVPR 2022): `act(BN(KxK(x)) + BN(kxk(x)))`,
 * a small kernel trained beside the large one (usually depthwise) and merged into it at its
 * centre. The two batch-norms are one stacked variable set (`bn`) applied and summed by one fused
 * kernel. Kernel size defaults to 13 (a RepLKNet stage-4 size), activation to `linear`. Deploys as
 * one KxK conv (+ act) through core's `largeKernel`.
 */
export class LargeKernelConv extends ReparamLayer {
  static readonly className = 'LargeKernelConv';
  readonly smallKernelSize: number;
  private large!: tf.LayerVariable;
  private small!: tf.LayerVariable;
  private bn!: BatchNormVars;

  constructor(args: LargeKernelConvArgs) {
    super(args, { kernelSize: 13, activation: 'linear' });
    const k = this.kernelSize;
    this.smallKernelSize = args.smallKernelSize ?? (k > 5 ? 5 : Math.max(1, k - 2));
    const s = this.smallKernelSize;
    if (!Number.isInteger(s) || s < 1 || s % 2 === 0 || s >= k) {
      throw new ShapeError(
        `LargeKernelConv: smallKernelSize ${s} must be odd and smaller than kernelSize ${k}`,
      );
    }
  }

  protected createWeights(): void {
    const [k, s] = [this.kernelSize, this.smallKernelSize];
    this.large = this.addKernel('large_kernel', k, k);
    this.small = this.addKernel('small_kernel', s, s);
    this.bn = this.addBatchNorm('bn', 2 * this.outChannels);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const [p, q] = [this.kernelSize >> 1, this.smallKernelSize >> 1];
    const st = this.strides;
    return this.norm(
      [
        convOp(x, this.large.read(), st, [p, p, p, p], this.depthwise),
        convOp(x, this.small.read(), st, [q, q, q, q], this.depthwise),
      ],
      this.bn,
      training,
    );
  }

  protected expr(): Expr {
    const [large, small] = this.bn.toBatchNorms(this.epsilon, this.outChannels);
    return largeKernel({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      smallKernelSize: this.smallKernelSize,
      stride: this.strides,
      groups: this.groups,
      large: { weight: kernelOihw(this.large, this.depthwise), batchNorm: large },
      small: { weight: kernelOihw(this.small, this.depthwise), batchNorm: small },
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), smallKernelSize: this.smallKernelSize };
  }
}
tf.serialization.registerClass(LargeKernelConv);
