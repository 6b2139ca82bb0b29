import * as tf from '@tensorflow/tfjs';
import { repvgg, scale, sum, type Expr } from '@reparam/core';
import { OnlineBlock } from './online-block.js';
import type { RepVGGBlockArgs } from './repvgg-block.js';
import { kernelOihw } from './_internal/conv-op.js';
import type { OnlineBranch } from './_internal/online-branches.js';

/**
 * The RepVGG block re-parameterized online (OREPA, Hu et al., CVPR 2022):
 * `act(BN(3x3_s0 + 1x1_s1 + s2 * x))`, the branch batch-norms replaced by per-channel scales, the
 * 1x1 and identity at the centre of the 3x3; one 3x3 conv and one batch-norm per step. The
 * identity branch exists when channels match and stride is 1 (and `useIdentity`); `usePointwise`
 * false drops the 1x1. Deploys as one 3x3 conv (+ act) through core's `repvgg` with scales.
 */
export class OnlineRepVGGBlock extends OnlineBlock {
  static readonly className = 'OnlineRepVGGBlock';
  readonly useIdentity: boolean;
  readonly usePointwise: boolean;
  private dense!: tf.LayerVariable;
  private point: tf.LayerVariable | undefined;
  private hasIdentity = false;

  constructor(args: RepVGGBlockArgs) {
    super({ ...args, kernelSize: 3 }, { kernelSize: 3, activation: 'relu' });
    this.useIdentity = args.useIdentity ?? true;
    this.usePointwise = args.usePointwise ?? true;
  }

  protected createBranches(): OnlineBranch[] {
    this.dense = this.addKernel('dense_kernel', 3, 3);
    const branches: OnlineBranch[] = [{ kind: 'embed', weights: [this.dense] }];
    if (this.usePointwise) {
      this.point = this.addKernel('pointwise_kernel', 1, 1);
      branches.push({ kind: 'embed', weights: [this.point] });
    }
    this.hasIdentity =
      this.useIdentity && this.inChannels === this.outChannels && this.strides === 1;
    if (this.hasIdentity) branches.push({ kind: 'identity', weights: [] });
    return branches;
  }

  protected branchesExpr(scales: Float64Array[]): Expr {
    const block = repvgg({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      stride: this.strides,
      groups: this.groups,
      dense: { weight: kernelOihw(this.dense, this.depthwise), scale: scales[0] },
      pointwise: this.point && {
        weight: kernelOihw(this.point, this.depthwise),
        scale: scales[1],
      },
    });
    return this.hasIdentity ? sum(block, scale(scales[scales.length - 1])) : block;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      useIdentity: this.useIdentity,
      usePointwise: this.usePointwise,
    };
  }
}
tf.serialization.registerClass(OnlineRepVGGBlock);
