import * as tf from '@tensorflow/tfjs';
import { mobileone, ShapeError, type ConvBnWeights, type Expr } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';
import { branchRows, type BranchLayout } from '../kernels/_internal/branch-layout.js';

/** Arguments of {@link MobileOneBlock}. */
export interface MobileOneBlockArgs extends ReparamLayerArgs {
  /** Number k of over-parameterized KxK branches (default 1). */
  branches?: number;
}

/**
 * MobileOne block (Vasu et al., CVPR 2023): `act(sum_k BN(KxK_k(x)) + BN(conv1x1(x)) + BN(x))`;
 * the 1x1 "scale" branch when K > 1, the skip branch when channels match and stride is 1.
 * Depthwise or dense. The k KxK kernels are one stacked variable (`branches_kernel`, k times the
 * output channels: branch-major when dense, k multipliers per channel when depthwise), run as one
 * conv; all batch-norms are one stacked set (`bn`) applied and summed by one fused kernel.
 * Deploys as one KxK conv (+ act); activation defaults to `relu`.
 */
export class MobileOneBlock extends ReparamLayer {
  static readonly className = 'MobileOneBlock';
  readonly branches: number;
  private kernels!: tf.LayerVariable;
  private scaleKernel: tf.LayerVariable | undefined;
  private hasSkip = false;
  private bn!: BatchNormVars;

  constructor(args: MobileOneBlockArgs) {
    super(args, { kernelSize: 3, activation: 'relu' });
    this.branches = args.branches ?? 1;
    if (!Number.isInteger(this.branches) || this.branches < 1) {
      throw new ShapeError(`MobileOneBlock: branches ${this.branches} must be a positive integer`);
    }
  }

  /** Where the k stacked KxK branches sit among the stacked conv's output channels. */
  private get stackLayout(): BranchLayout {
    const mult = this.outChannels / this.inChannels;
    return { branches: this.branches, stride: this.depthwise ? mult : this.outChannels };
  }

  protected createWeights(): void {
    const k = this.kernelSize;
    const [kh, kw, c, o] = this.kernelShape(k, k);
    // Each branch gets the initializer's distribution for its own shape, as separate kernels would.
    this.kernels = this.addWeight(
      'branches_kernel',
      [kh, kw, c, o * this.branches],
      'float32',
      tf.initializers.zeros(),
    );
    tf.tidy(() => {
      const parts = Array.from({ length: this.branches }, () =>
        tf.initializers.glorotUniform({}).apply([kh, kw, c, o]),
      );
      const l = this.stackLayout;
      // Depthwise: k multipliers per input channel, so branches interleave every `mult` channels.
      const stacked = this.depthwise
        ? tf.reshape(
            tf.stack(
              parts.map((p) => tf.reshape(p, [kh, kw, c, 1, o])),
              3,
            ),
            [kh, kw, c, l.branches * o],
          )
        : tf.concat(parts, 3);
      this.kernels.write(stacked);
    });
    if (k > 1) this.scaleKernel = this.addKernel('scale_kernel', 1, 1);
    this.hasSkip = this.inChannels === this.outChannels && this.strides === 1;
    const count = this.branches + (this.scaleKernel ? 1 : 0) + (this.hasSkip ? 1 : 0);
    this.bn = this.addBatchNorm('bn', count * this.outChannels);
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    const s = this.strides;
    const stacked = convOp(x, this.kernels.read(), s, [p, p, p, p], this.depthwise);
    const inputs = [{ x: stacked, ...this.stackLayout }];
    if (this.scaleKernel)
      inputs.push({
        x: convOp(x, this.scaleKernel.read(), s, [0, 0, 0, 0], this.depthwise),
        branches: 1,
        stride: this.outChannels,
      });
    if (this.hasSkip) inputs.push({ x, branches: 1, stride: this.outChannels });
    return this.norm(inputs, this.bn, training);
  }

  protected expr(): Expr {
    const o = this.outChannels;
    const single: BranchLayout = { branches: 1, stride: o };
    const layouts = [this.stackLayout];
    if (this.scaleKernel) layouts.push(single);
    if (this.hasSkip) layouts.push(single);
    const bns = this.bn.toBatchNorms(this.epsilon, o, layouts);
    const all = kernelOihw(this.kernels, this.depthwise);
    const row = all.length / (o * this.branches);
    const branches: ConvBnWeights[] = Array.from({ length: this.branches }, (_, b) => ({
      weight: branchRows(all, row, o, this.stackLayout, b),
      batchNorm: bns[b],
    }));
    return mobileone({
      inChannels: this.inChannels,
      outChannels: o,
      kernelSize: this.kernelSize,
      stride: this.strides,
      groups: this.groups,
      branches,
      scale: this.scaleKernel
        ? { weight: kernelOihw(this.scaleKernel, this.depthwise), batchNorm: bns[this.branches] }
        : undefined,
      skip: this.hasSkip ? bns[bns.length - 1] : undefined,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), branches: this.branches };
  }
}
tf.serialization.registerClass(MobileOneBlock);
