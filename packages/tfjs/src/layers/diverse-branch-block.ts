import * as tf from '@tensorflow/tfjs';
import { dbb, ShapeError, type Expr } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/** Arguments of {@link DiverseBranchBlock}. */
export interface DiverseBranchBlockArgs extends ReparamLayerArgs {
  /** Width of the 1x1 -> KxK branch (dense only; default the input channels). */
  internalChannels?: number;
}

/**
 * Diverse Branch Block (Ding et al., CVPR 2021), four branches added, then the activation:
 * `BN(KxK(x))`, `BN(1x1(x))` (dense only), `BN(avgpool(padBN(BN(1x1(x)))))` and
 * `BN(KxK(padBN(BN(1x1(x)))))`, where `padBN` pads by K/2 with the previous batch-norm's output
 * of zero computed from its running statistics (DBB's BNAndPad, in training too). Depthwise
 * blocks use depthwise 1x1 stages and an internal width equal to the channels. The 1x1 of the
 * 1x1 -> KxK branch starts as the identity (DBB's identity-based 1x1) when widths allow.
 * The four final batch-norms are one stacked variable set (`bn`: origin, 1x1, avg, KxK); each
 * batch-norm step (with its border) is one fused kernel. Deploys as one KxK conv (+ act).
 * Weights go to core through `dbb`.
 */
export class DiverseBranchBlock extends ReparamLayer {
  static readonly className = 'DiverseBranchBlock';
  readonly internalChannels: number | undefined;
  private origin!: tf.LayerVariable;
  private point: tf.LayerVariable | undefined;
  private avgPoint!: tf.LayerVariable;
  private avgPointBn!: BatchNormVars;
  private kxkPoint!: tf.LayerVariable;
  private kxkPointBn!: BatchNormVars;
  private kxk!: tf.LayerVariable;
  private bn!: BatchNormVars;

  constructor(args: DiverseBranchBlockArgs) {
    super(args, { kernelSize: 3, activation: 'linear' });
    this.internalChannels = args.internalChannels ?? undefined;
    if (
      this.internalChannels !== undefined &&
      (this.depthwise || !Number.isInteger(this.internalChannels) || this.internalChannels < 1)
    ) {
      throw new ShapeError(
        `DiverseBranchBlock: internalChannels ${this.internalChannels} must be a positive integer, for dense blocks only`,
      );
    }
  }

  private get mid(): number {
    return this.depthwise ? this.inChannels : (this.internalChannels ?? this.inChannels);
  }

  protected createWeights(): void {
    const k = this.kernelSize;
    const out = this.outChannels;
    this.origin = this.addKernel('origin_kernel', k, k);
    if (!this.depthwise) this.point = this.addKernel('pointwise_kernel', 1, 1);
    this.avgPoint = this.addKernel('avg_pointwise_kernel', 1, 1);
    this.avgPointBn = this.addBatchNorm('avg_pointwise_bn', out);
    const mid = this.mid;
    const pwShape: [number, number, number, number] = this.depthwise
      ? [1, 1, mid, 1]
      : [1, 1, this.inChannels, mid];
    const identityLike = this.depthwise || mid === this.inChannels;
    const pw = this.addWeight(
      'kxk_pointwise_kernel',
      pwShape,
      'float32',
      identityLike ? tf.initializers.zeros() : tf.initializers.glorotUniform({}),
    );
    if (identityLike) {
      tf.tidy(() => {
        pw.write(this.depthwise ? tf.ones(pwShape) : tf.reshape(tf.eye(mid), pwShape));
      });
    }
    this.kxkPoint = pw;
    this.kxkPointBn = this.addBatchNorm('kxk_pointwise_bn', mid);
    const kxkShape: [number, number, number, number] = this.depthwise
      ? this.kernelShape(k, k)
      : [k, k, mid, out];
    this.kxk = this.addWeight('kxk_kernel', kxkShape, 'float32', tf.initializers.glorotUniform({}));
    this.bn = this.addBatchNorm('bn', (this.point ? 4 : 3) * out);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    const s = this.strides;
    const dw = this.depthwise;
    const none = [0, 0, 0, 0] as const;
    const branches = [convOp(x, this.origin.read(), s, [p, p, p, p], dw)];
    if (this.point) branches.push(convOp(x, this.point.read(), s, none, dw));
    // Each first stage: 1x1, then one kernel for its batch-norm and its BN-valued border.
    const avg = this.norm(
      [convOp(x, this.avgPoint.read(), 1, none, dw)],
      this.avgPointBn,
      training,
      p,
    );
    branches.push(tf.avgPool(avg, this.kernelSize, s, 'valid'));
    const mid = this.norm(
      [convOp(x, this.kxkPoint.read(), 1, none, dw)],
      this.kxkPointBn,
      training,
      p,
    );
    branches.push(convOp(mid, this.kxk.read(), s, none, dw));
    return this.norm(branches, this.bn, training);
  }

  protected expr(): Expr {
    const e = this.epsilon;
    const bns = this.bn.toBatchNorms(e, this.outChannels);
    const [origin, pointwise] = this.point ? bns : [bns[0], undefined];
    const [avg, kxk] = bns.slice(-2);
    const w = (k: tf.LayerVariable): Float64Array => kernelOihw(k, this.depthwise);
    return dbb({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.strides,
      groups: this.groups,
      origin: { weight: w(this.origin), batchNorm: origin },
      pointwise:
        this.point && pointwise ? { weight: w(this.point), batchNorm: pointwise } : undefined,
      avg: {
        pointwise: { weight: w(this.avgPoint), batchNorm: this.avgPointBn.toBatchNorm(e) },
        batchNorm: avg,
      },
      kxk: {
        pointwise: { weight: w(this.kxkPoint), batchNorm: this.kxkPointBn.toBatchNorm(e) },
        kxk: { weight: w(this.kxk), batchNorm: kxk },
      },
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), internalChannels: this.internalChannels ?? null };
  }
}
tf.serialization.registerClass(DiverseBranchBlock);
