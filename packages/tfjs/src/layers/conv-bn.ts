import * as tf from '@tensorflow/tfjs';
import { convBn, type Expr } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/**
 * The plain baseline: `act(BN(KxK(x)))`, dense or depthwise, no bias. Deploys as one conv with
 * the batch-norm folded in (rule I). Builders use it for `block: 'conv'` and for the 1x1 convs
 * that every variant shares, so all variants deploy to the same architecture.
 */
export class ConvBN extends ReparamLayer {
  static readonly className = 'ConvBN';
  private kernel!: tf.LayerVariable;
  private bn!: BatchNormVars;

  constructor(args: ReparamLayerArgs) {
    super(args, { kernelSize: 3, activation: 'linear' });
  }

  protected createWeights(): void {
    this.kernel = this.addKernel('kernel', this.kernelSize, this.kernelSize);
    this.bn = this.addBatchNorm('bn', this.outChannels);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    return this.bn.apply(
      convOp(x, this.kernel.read(), this.strides, [p, p, p, p], this.depthwise),
      training,
      this.momentum,
      this.epsilon,
    );
  }

  protected expr(): Expr {
    const k = this.kernelSize;
    const shape = [this.outChannels, this.depthwise ? 1 : this.inChannels, k, k] as const;
    return convBn(
      'ConvBN',
      'conv',
      {
        weight: kernelOihw(this.kernel, this.depthwise),
        batchNorm: this.bn.toBatchNorm(this.epsilon),
      },
      shape,
      { stride: this.strides, padding: this.padding, groups: this.groups },
    );
  }
}
tf.serialization.registerClass(ConvBN);
