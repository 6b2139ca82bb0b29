import * as tf from '@tensorflow/tfjs';
import { repvgg, type Expr } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/** Arguments of {@link RepVGGBlock}: the kernel is always 3x3. */
export interface RepVGGBlockArgs extends Omit<ReparamLayerArgs, 'kernelSize'> {
  /** Keep the identity branch when input channels = filters and stride 1 (default true). */
  useIdentity?: boolean;
  /** Keep the 1x1 branch (default true); the RepVGG paper's ablation turns it off. */
  usePointwise?: boolean;
}

/**
 * RepVGG block (Ding et al., CVPR 2021): `act(BN(conv3x3(x)) + BN(conv1x1(x)) + BN(x))`, the
 * identity branch only when channels and stride allow it; `useIdentity` / `usePointwise` false
 * drop a branch (the paper's Table 6 ablation). Deploys as one 3x3 conv (+ act);
 * activation defaults to `relu`. Weights go to core through `repvgg`.
 */
export class RepVGGBlock extends ReparamLayer {
  static readonly className = 'RepVGGBlock';
  readonly useIdentity: boolean;
  readonly usePointwise: boolean;
  private dense!: tf.LayerVariable;
  private denseBn!: BatchNormVars;
  private point: { kernel: tf.LayerVariable; bn: BatchNormVars } | undefined;
  private idBn: BatchNormVars | undefined;

  constructor(args: RepVGGBlockArgs) {
    super({ ...args, kernelSize: 3 }, { kernelSize: 3, activation: 'relu' });
    this.useIdentity = args.useIdentity ?? true;
    this.usePointwise = args.usePointwise ?? true;
  }

  protected createWeights(): void {
    this.dense = this.addKernel('dense_kernel', 3, 3);
    this.denseBn = this.addBatchNorm('dense_bn', this.outChannels);
    this.point = this.usePointwise
      ? {
          kernel: this.addKernel('pointwise_kernel', 1, 1),
          bn: this.addBatchNorm('pointwise_bn', this.outChannels),
        }
      : undefined;
    const id = this.useIdentity && this.inChannels === this.outChannels && this.strides === 1;
    this.idBn = id ? this.addBatchNorm('identity_bn', this.outChannels) : undefined;
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const bn = (v: BatchNormVars, y: tf.Tensor4D): tf.Tensor4D =>
      v.apply(y, training, this.momentum, this.epsilon);
    const terms = [
      bn(this.denseBn, convOp(x, this.dense.read(), this.strides, [1, 1, 1, 1], this.depthwise)),
    ];
    if (this.point) {
      const p = convOp(x, this.point.kernel.read(), this.strides, [0, 0, 0, 0], this.depthwise);
      terms.push(bn(this.point.bn, p));
    }
    if (this.idBn) terms.push(bn(this.idBn, x));
    return terms.length === 1 ? terms[0] : tf.addN(terms);
  }

  protected expr(): Expr {
    return repvgg({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      stride: this.strides,
      groups: this.groups,
      dense: {
        weight: kernelOihw(this.dense, this.depthwise),
        batchNorm: this.denseBn.toBatchNorm(this.epsilon),
      },
      pointwise: this.point && {
        weight: kernelOihw(this.point.kernel, this.depthwise),
        batchNorm: this.point.bn.toBatchNorm(this.epsilon),
      },
      identity: this.idBn?.toBatchNorm(this.epsilon),
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      useIdentity: this.useIdentity,
      usePointwise: this.usePointwise,
    };
  }
}
tf.serialization.registerClass(RepVGGBlock);
