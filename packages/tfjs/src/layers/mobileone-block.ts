import * as tf from '@tensorflow/tfjs';
import { mobileone, ShapeError, type ConvBnWeights, type Expr } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/** Arguments of {@link MobileOneBlock}. */
export interface MobileOneBlockArgs extends ReparamLayerArgs {
  /** Number k of over-parameterized KxK branches (default 1). */
  branches?: number;
}

/**
 * MobileOne block (Vasu et al., CVPR 2023): `act(sum_k BN(KxK_k(x)) + BN(conv1x1(x)) + BN(x))`;
 * the 1x1 "scale" branch when K > 1, the skip branch when channels match and stride is 1.
 * Depthwise or dense. Deploys as one KxK conv (+ act); activation defaults to `relu`.
 */
export class MobileOneBlock extends ReparamLayer {
  static readonly className = 'MobileOneBlock';
  readonly branches: number;
  private kernels: tf.LayerVariable[] = [];
  private bns: BatchNormVars[] = [];
  private scaleKernel: tf.LayerVariable | undefined;
  private scaleBn: BatchNormVars | undefined;
  private skipBn: BatchNormVars | undefined;

  constructor(args: MobileOneBlockArgs) {
    super(args, { kernelSize: 3, activation: 'relu' });
    this.branches = args.branches ?? 1;
    if (!Number.isInteger(this.branches) || this.branches < 1) {
      throw new ShapeError(`MobileOneBlock: branches ${this.branches} must be a positive integer`);
    }
  }

  protected createWeights(): void {
    const k = this.kernelSize;
    for (let i = 0; i < this.branches; i++) {
      this.kernels.push(this.addKernel(`branch${i}_kernel`, k, k));
      this.bns.push(this.addBatchNorm(`branch${i}_bn`, this.outChannels));
    }
    if (k > 1) {
      this.scaleKernel = this.addKernel('scale_kernel', 1, 1);
      this.scaleBn = this.addBatchNorm('scale_bn', this.outChannels);
    }
    if (this.inChannels === this.outChannels && this.strides === 1)
      this.skipBn = this.addBatchNorm('skip_bn', this.outChannels);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    const bn = (v: BatchNormVars, y: tf.Tensor4D): tf.Tensor4D =>
      v.apply(y, training, this.momentum, this.epsilon);
    const terms = this.kernels.map((k, i) =>
      bn(this.bns[i], convOp(x, k.read(), this.strides, [p, p, p, p], this.depthwise)),
    );
    if (this.scaleKernel && this.scaleBn)
      terms.push(
        bn(
          this.scaleBn,
          convOp(x, this.scaleKernel.read(), this.strides, [0, 0, 0, 0], this.depthwise),
        ),
      );
    if (this.skipBn) terms.push(bn(this.skipBn, x));
    return terms.length === 1 ? terms[0] : tf.addN(terms);
  }

  protected expr(): Expr {
    const cb = (k: tf.LayerVariable, bn: BatchNormVars): ConvBnWeights => ({
      weight: kernelOihw(k, this.depthwise),
      batchNorm: bn.toBatchNorm(this.epsilon),
    });
    return mobileone({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.strides,
      groups: this.groups,
      branches: this.kernels.map((k, i) => cb(k, this.bns[i])),
      scale: this.scaleKernel && this.scaleBn ? cb(this.scaleKernel, this.scaleBn) : undefined,
      skip: this.skipBn?.toBatchNorm(this.epsilon),
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), branches: this.branches };
  }
}
tf.serialization.registerClass(MobileOneBlock);
