import * as tf from '@tensorflow/tfjs';
import { acb, type Expr } from '@reparam/core';
import type { ACBlockArgs } from './ac-block.js';
import { OnlineBlock } from './online-block.js';
import { kernelOihw } from './_internal/conv-op.js';
import type { OnlineBranch } from './_internal/online-branches.js';
import { blockPadding } from './_internal/padding.js';

/**
 * The asymmetric convolution block (ACNet) re-parameterized online (OREPA, Hu et al., CVPR 2022):
 * `act(BN(KxK_s0 + 1xK_s1 + Kx1_s2 (x)))`, the branch batch-norms replaced by per-channel scales,
 * the thin kernels embedded at the centre row and column; one KxK conv and one batch-norm per
 * step. `padding` below K/2 is ACNet's crop case (the merged kernel is the same). Deploys as one
 * KxK conv (+ act) through core's `acb` with scales.
 */
export class OnlineACBlock extends OnlineBlock {
  static readonly className = 'OnlineACBlock';
  private readonly pad: number;
  private square!: tf.LayerVariable;
  private hor!: tf.LayerVariable;
  private ver!: tf.LayerVariable;

  constructor(args: ACBlockArgs) {
    super(args, { kernelSize: 3, activation: 'linear' });
    this.pad = blockPadding('OnlineACBlock', args.padding ?? undefined, this.kernelSize);
  }

  override get padding(): number {
    return this.pad;
  }

  protected createBranches(): OnlineBranch[] {
    const k = this.kernelSize;
    this.square = this.addKernel('square_kernel', k, k);
    this.hor = this.addKernel('horizontal_kernel', 1, k);
    this.ver = this.addKernel('vertical_kernel', k, 1);
    return [
      { kind: 'embed', weights: [this.square] },
      { kind: 'embed', weights: [this.hor] },
      { kind: 'embed', weights: [this.ver] },
    ];
  }

  protected branchesExpr([s0, s1, s2]: Float64Array[]): Expr {
    const w = (k: tf.LayerVariable): Float64Array => kernelOihw(k, this.depthwise);
    return acb({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.strides,
      padding: this.pad,
      groups: this.groups,
      square: { weight: w(this.square), scale: s0 },
      horizontal: { weight: w(this.hor), scale: s1 },
      vertical: { weight: w(this.ver), scale: s2 },
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.pad };
  }
}
tf.serialization.registerClass(OnlineACBlock);
