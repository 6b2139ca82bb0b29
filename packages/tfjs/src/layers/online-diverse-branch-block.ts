import * as tf from '@tensorflow/tfjs';
import { dbb, ShapeError, type Expr } from '@reparam/core';
import type { DiverseBranchBlockArgs } from './diverse-branch-block.js';
import { OnlineBlock } from './online-block.js';
import { kernelOihw } from './_internal/conv-op.js';
import type { OnlineBranch } from './_internal/online-branches.js';

/**
 * The Diverse Branch Block re-parameterized online (OREPA, Hu et al., CVPR 2022): the branches
 * KxK, 1x1 (dense only), 1x1 -> KxK average and 1x1 -> KxK, each ending in a per-channel scale
 * instead of a batch-norm, the first stages plain 1x1 convs (so their border is zero); one KxK
 * conv and one batch-norm per step, with the kernel built as OREPA does: the 1x1 embedded, the
 * average branch as the 1x1 times a uniform KxK window, the 1x1 -> KxK branch as their product
 * over the internal channels. The 1x1 of that branch starts as the identity when widths allow.
 * Deploys as one KxK conv (+ act) through core's `dbb` with scales.
 */
export class OnlineDiverseBranchBlock extends OnlineBlock {
  static readonly className = 'OnlineDiverseBranchBlock';
  readonly internalChannels: number | undefined;
  private origin!: tf.LayerVariable;
  private point: tf.LayerVariable | undefined;
  private avgPoint!: tf.LayerVariable;
  private kxkPoint!: tf.LayerVariable;
  private kxk!: tf.LayerVariable;

  constructor(args: DiverseBranchBlockArgs) {
    super(args, { kernelSize: 3, activation: 'linear' });
    this.internalChannels = args.internalChannels ?? undefined;
    const mid = this.internalChannels;
    if (mid !== undefined && (this.depthwise || !Number.isInteger(mid) || mid < 1)) {
      throw new ShapeError(
        `OnlineDiverseBranchBlock: internalChannels ${mid} must be a positive integer, for dense blocks only`,
      );
    }
  }

  private get mid(): number {
    return this.depthwise ? this.inChannels : (this.internalChannels ?? this.inChannels);
  }

  protected createBranches(): OnlineBranch[] {
    const k = this.kernelSize;
    this.origin = this.addKernel('origin_kernel', k, k);
    if (!this.depthwise) this.point = this.addKernel('pointwise_kernel', 1, 1);
    this.avgPoint = this.addKernel('avg_pointwise_kernel', 1, 1);
    const mid = this.mid;
    const pwShape = this.depthwise ? [1, 1, mid, 1] : [1, 1, this.inChannels, mid];
    const identityLike = this.depthwise || mid === this.inChannels;
    this.kxkPoint = this.addWeight(
      'kxk_pointwise_kernel',
      pwShape,
      'float32',
      identityLike ? tf.initializers.zeros() : tf.initializers.glorotUniform({}),
    );
    if (identityLike) {
      tf.tidy(() => {
        this.kxkPoint.write(this.depthwise ? tf.ones(pwShape) : tf.reshape(tf.eye(mid), pwShape));
      });
    }
    const kxkShape = this.depthwise ? this.kernelShape(k, k) : [k, k, mid, this.outChannels];
    this.kxk = this.addWeight('kxk_kernel', kxkShape, 'float32', tf.initializers.glorotUniform({}));
    const branches: OnlineBranch[] = [{ kind: 'embed', weights: [this.origin] }];
    if (this.point) branches.push({ kind: 'embed', weights: [this.point] });
    branches.push({ kind: 'average', weights: [this.avgPoint] });
    branches.push({ kind: 'composed', weights: [this.kxkPoint, this.kxk] });
    return branches;
  }

  protected branchesExpr(scales: Float64Array[]): Expr {
    const w = (v: tf.LayerVariable): Float64Array => kernelOihw(v, this.depthwise);
    const [origin, point, avg, kxk] = this.point
      ? scales
      : [scales[0], undefined, ...scales.slice(1)];
    return dbb({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.strides,
      groups: this.groups,
      origin: { weight: w(this.origin), scale: origin },
      pointwise: this.point && point ? { weight: w(this.point), scale: point } : undefined,
      avg: { pointwise: { weight: w(this.avgPoint) }, scale: avg },
      kxk: { pointwise: { weight: w(this.kxkPoint) }, kxk: { weight: w(this.kxk), scale: kxk } },
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), internalChannels: this.internalChannels ?? null };
  }
}
tf.serialization.registerClass(OnlineDiverseBranchBlock);
