import * as tf from '@tensorflow/tfjs';
import { acb, type Expr } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';
import { blockPadding } from './_internal/padding.js';

/** Arguments of {@link ACBlock}. */
export interface ACBlockArgs extends ReparamLayerArgs {
  /**
   * Padding p of the KxK conv, 0 <= p <= K/2 (default K/2). Below K/2 the thin branches read
   * an input cropped by K/2 - p on their thin axis, so they stay centred (ACNet's crop layer).
   */
  padding?: number;
}

/**
 * Asymmetric convolution block (ACNet, Ding et al., ICCV 2019):
 * `act(BN(KxK(x)) + BN(1xK(x)) + BN(Kx1(x)))`, the thin kernels centred on the square one. The
 * three batch-norms are one stacked variable set (`bn`), applied and summed by one fused kernel.
 * Deploys as one KxK conv (+ act); kernel size defaults to 3, activation to `linear` (a drop-in
 * for conv + BN). Weights go to core through `acb`.
 */
export class ACBlock extends ReparamLayer {
  static readonly className = 'ACBlock';
  private readonly pad: number;
  private square!: tf.LayerVariable;
  private hor!: tf.LayerVariable;
  private ver!: tf.LayerVariable;
  private bn!: BatchNormVars;

  constructor(args: ACBlockArgs) {
    super(args, { kernelSize: 3, activation: 'linear' });
    this.pad = blockPadding('ACBlock', args.padding ?? undefined, this.kernelSize);
  }

  override get padding(): number {
    return this.pad;
  }

  protected createWeights(): void {
    const k = this.kernelSize;
    this.square = this.addKernel('square_kernel', k, k);
    this.hor = this.addKernel('horizontal_kernel', 1, k);
    this.ver = this.addKernel('vertical_kernel', k, 1);
    this.bn = this.addBatchNorm('bn', 3 * this.outChannels);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.pad;
    const s = this.strides;
    const crop = (this.kernelSize >> 1) - p;
    const [, h, w] = x.shape;
    // A thin kernel reads the centre row (column) of the KxK window: crop the rest.
    const rows = crop > 0 ? tf.slice(x, [0, crop, 0, 0], [-1, h - 2 * crop, -1, -1]) : x;
    const cols = crop > 0 ? tf.slice(x, [0, 0, crop, 0], [-1, -1, w - 2 * crop, -1]) : x;
    return this.norm(
      [
        convOp(x, this.square.read(), s, [p, p, p, p], this.depthwise),
        convOp(rows, this.hor.read(), s, [0, p, 0, p], this.depthwise),
        convOp(cols, this.ver.read(), s, [p, 0, p, 0], this.depthwise),
      ],
      this.bn,
      training,
    );
  }

  protected expr(): Expr {
    const [square, horizontal, vertical] = this.bn.toBatchNorms(this.epsilon, this.outChannels);
    const w = (k: tf.LayerVariable): Float64Array => kernelOihw(k, this.depthwise);
    return acb({
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.strides,
      padding: this.pad,
      groups: this.groups,
      square: { weight: w(this.square), batchNorm: square },
      horizontal: { weight: w(this.hor), batchNorm: horizontal },
      vertical: { weight: w(this.ver), batchNorm: vertical },
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.pad };
  }
}
tf.serialization.registerClass(ACBlock);
