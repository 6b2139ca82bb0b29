import * as tf from '@tensorflow/tfjs';
import { dbb, ShapeError, type ConvBnWeights, type Expr } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/** Arguments of {@link DiverseBranchBlock}. */
export interface DiverseBranchBlockArgs extends ReparamLayerArgs {
  /** Width of the 1x1 -> KxK branch (dense only; default the input channels). */
  internalChannels?: number;
}

interface Stage {
  kernel: tf.LayerVariable;
  bn: BatchNormVars;
}

/**
 * Diverse Branch Block (Ding et al., CVPR 2021), four branches added, then the activation:
 * `BN(KxK(x))`, `BN(1x1(x))` (dense only), `BN(avgpool(padBN(BN(1x1(x)))))` and
 * `BN(KxK(padBN(BN(1x1(x)))))`, where `padBN` pads by K/2 with the previous batch-norm's output
 * of zero computed from its running statistics (DBB's BNAndPad, in training too). Depthwise
 * blocks use depthwise 1x1 stages and an internal width equal to the channels. The 1x1 of the
 * 1x1 -> KxK branch starts as the identity (DBB's identity-based 1x1) when widths allow.
 * Deploys as one KxK conv (+ act). Weights go to core through `dbb`.
 */
export class DiverseBranchBlock extends ReparamLayer {
  static readonly className = 'DiverseBranchBlock';
  readonly internalChannels: number | undefined;
  private origin!: Stage;
  private point: Stage | undefined;
  private avgPoint!: Stage;
  private avgBn!: BatchNormVars;
  private kxkPoint!: Stage;
  private kxk!: Stage;

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
    const stage = (name: string, kernel: tf.LayerVariable, channels: number): Stage => ({
      kernel,
      bn: this.addBatchNorm(`${name}_bn`, channels),
    });
    this.origin = stage('origin', this.addKernel('origin_kernel', k, k), out);
    if (!this.depthwise)
      this.point = stage('pointwise', this.addKernel('pointwise_kernel', 1, 1), out);
    this.avgPoint = stage('avg_pointwise', this.addKernel('avg_pointwise_kernel', 1, 1), out);
    this.avgBn = this.addBatchNorm('avg_bn', out);
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
    this.kxkPoint = stage('kxk_pointwise', pw, mid);
    const kxkShape: [number, number, number, number] = this.depthwise
      ? this.kernelShape(k, k)
      : [k, k, mid, out];
    this.kxk = stage(
      'kxk',
      this.addWeight('kxk_kernel', kxkShape, 'float32', tf.initializers.glorotUniform({})),
      out,
    );
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    const s = this.strides;
    const dw = this.depthwise;
    const bn = (v: BatchNormVars, y: tf.Tensor4D): tf.Tensor4D =>
      v.apply(y, training, this.momentum, this.epsilon);
    const padWithBn = (y: tf.Tensor4D, v: BatchNormVars): tf.Tensor4D => {
      const fill = v.outputOfZero(this.epsilon);
      return tf.add<tf.Tensor4D>(
        tf.pad(tf.sub(y, fill), [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ]),
        fill,
      );
    };
    const terms = [bn(this.origin.bn, convOp(x, this.origin.kernel.read(), s, [p, p, p, p], dw))];
    if (this.point)
      terms.push(bn(this.point.bn, convOp(x, this.point.kernel.read(), s, [0, 0, 0, 0], dw)));
    const a = bn(this.avgPoint.bn, convOp(x, this.avgPoint.kernel.read(), 1, [0, 0, 0, 0], dw));
    terms.push(
      bn(this.avgBn, tf.avgPool(padWithBn(a, this.avgPoint.bn), this.kernelSize, s, 'valid')),
    );
    const m = bn(this.kxkPoint.bn, convOp(x, this.kxkPoint.kernel.read(), 1, [0, 0, 0, 0], dw));
    terms.push(
      bn(
        this.kxk.bn,
        convOp(padWithBn(m, this.kxkPoint.bn), this.kxk.kernel.read(), s, [0, 0, 0, 0], dw),
      ),
    );
    return tf.addN(terms);
  }

  protected expr(): Expr {
    const e = this.epsilon;
    const cb = (st: Stage): ConvBnWeights => ({
      weight: kernelOihw(st.kernel, this.depthwise),
      batchNorm: st.bn.toBatchNorm(e),
    });
    return dbb({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.strides,
      groups: this.groups,
      origin: cb(this.origin),
      pointwise: this.point ? cb(this.point) : undefined,
      avg: { pointwise: cb(this.avgPoint), batchNorm: this.avgBn.toBatchNorm(e) },
      kxk: { pointwise: cb(this.kxkPoint), kxk: cb(this.kxk) },
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), internalChannels: this.internalChannels ?? null };
  }
}
tf.serialization.registerClass(DiverseBranchBlock);
