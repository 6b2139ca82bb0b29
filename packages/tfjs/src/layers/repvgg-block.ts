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
 * drop a branch (the paper's Table 6 ablation). The branch batch-norms are one stacked variable
 * set (`bn`: 3x3, then 1x1, then identity), applied and summed by one fused kernel. Deploys as
 * one 3x3 conv (+ act); activation defaults to `relu`. Weights go to core through `repvgg`.
 */
export class RepVGGBlock extends ReparamLayer {
  static readonly className = 'RepVGGBlock';
  readonly useIdentity: boolean;
  readonly usePointwise: boolean;
  private dense!: tf.LayerVariable;
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
    this.point = this.usePointwise ? this.addKernel('pointwise_kernel', 1, 1) : undefined;
    this.hasIdentity =
      this.useIdentity && this.inChannels === this.outChannels && this.strides === 1;
    const branches = 1 + (this.point ? 1 : 0) + (this.hasIdentity ? 1 : 0);
    this.bn = this.addBatchNorm('bn', branches * this.outChannels);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const s = this.strides;
    const branches = [convOp(x, this.dense.read(), s, [1, 1, 1, 1], this.depthwise)];
    if (this.point) branches.push(convOp(x, this.point.read(), s, [0, 0, 0, 0], this.depthwise));
    if (this.hasIdentity) branches.push(x);
    return this.norm(branches, this.bn, training);
  }

  protected expr(): Expr {
    const bns = this.bn.toBatchNorms(this.epsilon, this.outChannels);
    return repvgg({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      stride: this.strides,
      groups: this.groups,
      dense: { weight: kernelOihw(this.dense, this.depthwise), batchNorm: bns[0] },
      pointwise: this.point && {
        weight: kernelOihw(this.point, this.depthwise),
        batchNorm: bns[1],
      },
      identity: this.hasIdentity ? bns[bns.length - 1] : undefined,
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
