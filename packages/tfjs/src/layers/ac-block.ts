import * as tf from '@tensorflow/tfjs';
import { acb, type ConvBnWeights, type Expr } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/**
 * Asymmetric convolution block (ACNet, Ding et al., ICCV 2019):
 * `act(BN(KxK(x)) + BN(1xK(x)) + BN(Kx1(x)))`, the thin kernels centred on the square one.
 * Deploys as one KxK conv (+ act); kernel size defaults to 3, activation to `linear` (a drop-in
 * for conv + BN). Weights go to core through `acb`.
 */
export class ACBlock extends ReparamLayer {
  static readonly className = 'ACBlock';
  private square!: tf.LayerVariable;
  private hor!: tf.LayerVariable;
  private ver!: tf.LayerVariable;
  private squareBn!: BatchNormVars;
  private horBn!: BatchNormVars;
  private verBn!: BatchNormVars;

  constructor(args: ReparamLayerArgs) {
    super(args, { kernelSize: 3, activation: 'linear' });
  }

  protected createWeights(): void {
    const k = this.kernelSize;
    this.square = this.addKernel('square_kernel', k, k);
    this.squareBn = this.addBatchNorm('square_bn', this.outChannels);
    this.hor = this.addKernel('horizontal_kernel', 1, k);
    this.horBn = this.addBatchNorm('horizontal_bn', this.outChannels);
    this.ver = this.addKernel('vertical_kernel', k, 1);
    this.verBn = this.addBatchNorm('vertical_bn', this.outChannels);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    const s = this.strides;
    const branch = (
      k: tf.LayerVariable,
      bn: BatchNormVars,
      pad: readonly [number, number, number, number],
    ): tf.Tensor4D =>
      bn.apply(convOp(x, k.read(), s, pad, this.depthwise), training, this.momentum, this.epsilon);
    return tf.addN([
      branch(this.square, this.squareBn, [p, p, p, p]),
      branch(this.hor, this.horBn, [0, p, 0, p]),
      branch(this.ver, this.verBn, [p, 0, p, 0]),
    ]);
  }

  protected expr(): Expr {
    const e = this.epsilon;
    const w = (k: tf.LayerVariable, bn: BatchNormVars): ConvBnWeights => ({
      weight: kernelOihw(k, this.depthwise),
      batchNorm: bn.toBatchNorm(e),
    });
    return acb({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.strides,
      groups: this.groups,
      square: w(this.square, this.squareBn),
      horizontal: w(this.hor, this.horBn),
      vertical: w(this.ver, this.verBn),
    });
  }
}
tf.serialization.registerClass(ACBlock);
