import * as tf from '@tensorflow/tfjs';
import { qarepvgg, type Expr } from '@reparam/core';
import { ReparamLayer } from './reparam-layer.js';
import type { RepVGGBlockArgs } from './repvgg-block.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/**
 * QARepVGG block (Chu et al., "Make RepVGG Greater Again: A Quantization-aware Approach", 2022):
 * `act(BN(BN(conv3x3(x)) + conv1x1(x) + x))`. Only the 3x3 branch keeps its batch-norm; the 1x1
 * and identity branches have none, and a batch-norm follows the sum, which keeps the merged
 * kernel and the block's output quantization-friendly. The identity branch exists when channels
 * match and stride is 1 (and `useIdentity`). Deploys as one 3x3 conv (+ act) through core's
 * `qarepvgg`; activation defaults to `relu`.
 */
export class QARepVGGBlock extends ReparamLayer {
  static readonly className = 'QARepVGGBlock';
  readonly useIdentity: boolean;
  readonly usePointwise: boolean;
  private dense!: tf.LayerVariable;
  private denseBn!: BatchNormVars;
  private point: tf.LayerVariable | undefined;
  private hasIdentity = false;
  private bn!: BatchNormVars;

  constructor(args: RepVGGBlockArgs) {
    super({ ...args, kernelSize: 3 }, { kernelSize: 3, activation: 'relu' });
    this.useIdentity = args.useIdentity ?? true;
    this.usePointwise = args.usePointwise ?? true;
  }

  protected createWeights(): void {
    this.dense = this.addKernel('dense_kernel', 3, 3);
    this.denseBn = this.addBatchNorm('dense_bn', this.outChannels);
    this.point = this.usePointwise ? this.addKernel('pointwise_kernel', 1, 1) : undefined;
    this.hasIdentity =
      this.useIdentity && this.inChannels === this.outChannels && this.strides === 1;
    this.bn = this.addBatchNorm('bn', this.outChannels);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const s = this.strides;
    const dense = convOp(x, this.dense.read(), s, [1, 1, 1, 1], this.depthwise);
    const terms = [this.norm([dense], this.denseBn, training)];
    if (this.point) terms.push(convOp(x, this.point.read(), s, [0, 0, 0, 0], this.depthwise));
    if (this.hasIdentity) terms.push(x);
    return this.norm([terms.length === 1 ? terms[0] : tf.addN(terms)], this.bn, training);
  }

  protected expr(): Expr {
    return qarepvgg({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      stride: this.strides,
      groups: this.groups,
      dense: {
        weight: kernelOihw(this.dense, this.depthwise),
        batchNorm: this.denseBn.toBatchNorm(this.epsilon),
      },
      pointwise: this.point && { weight: kernelOihw(this.point, this.depthwise) },
      identity: this.hasIdentity,
      batchNorm: this.bn.toBatchNorm(this.epsilon),
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
tf.serialization.registerClass(QARepVGGBlock);
