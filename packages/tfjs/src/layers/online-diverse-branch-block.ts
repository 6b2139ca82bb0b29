import * as tf from '@tensorflow/tfjs';
import { dbb, ShapeError, type Expr } from '@reparam/core';
import type { DiverseBranchBlockArgs } from './diverse-branch-block.js';
import { OnlineBlock } from './online-block.js';
import { kernelOihw } from './_internal/conv-op.js';

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

  protected get branchCount(): number {
    return this.point ? 4 : 3;
  }

  protected createBranches(): void {
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
  }

  protected embeddedKernels(): tf.Tensor4D[] {
    const k = this.kernelSize;
    const kernels = [this.origin.read() as tf.Tensor4D];
    if (this.point) kernels.push(this.embed(this.point.read()));
    // 1x1 then a KxK average pool: the 1x1 weight on every tap, divided by K^2.
    kernels.push(tf.mul(this.avgPoint.read(), tf.fill([k, k, 1, 1], 1 / (k * k))));
    const first = this.kxkPoint.read();
    const second = this.kxk.read();
    if (this.depthwise) {
      // A depthwise 1x1 (multiplier 1) scales each channel before the depthwise KxK.
      kernels.push(tf.mul(second, first));
    } else {
      // W[u, v, c, o] = sum_j first[c, j] second[u, v, j, o], one matrix product.
      const [, , mid, o] = second.shape;
      const c = this.inChannels;
      const rows = tf.reshape(tf.transpose(second, [2, 0, 1, 3]), [mid, k * k * o]);
      const product = tf.matMul(tf.reshape(first, [c, mid]), rows);
      kernels.push(tf.transpose(tf.reshape(product, [c, k, k, o]), [1, 2, 0, 3]));
    }
    return kernels;
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
