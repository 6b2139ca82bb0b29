import * as tf from '@tensorflow/tfjs';
import { centeredWeightNorm, weightNorm, type Expr, type Floats } from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/** Arguments of the weight-normalized convs. */
export interface WeightNormConv2DArgs extends ReparamLayerArgs {
  /** Adds a learnable bias (default true). */
  useBias?: boolean;
  /** Applies a batch-norm after the conv, folded into the deploy conv (default false). */
  useBatchNorm?: boolean;
}

/**
 * Base of the weight-re-parameterized convs: a direction `v` (HWIO, or `[kh, kw, c, m]` when
 * depthwise), a per-output-channel scale `g`, an optional bias and batch-norm; the kernel is a
 * function of (v, g) computed with tf ops for training and by core's float64 function for the
 * deploy conv. Depthwise layers normalize each output channel's own `kh * kw` kernel (its group).
 */
export abstract class NormalizedConv2D extends ReparamLayer {
  readonly useBias: boolean;
  readonly useBatchNorm: boolean;
  protected v!: tf.LayerVariable;
  protected g!: tf.LayerVariable;
  private bias: tf.LayerVariable | undefined;
  private bn: BatchNormVars | undefined;

  constructor(args: WeightNormConv2DArgs) {
    super(args, { kernelSize: 3, activation: 'linear' });
    this.useBias = args.useBias ?? true;
    this.useBatchNorm = args.useBatchNorm ?? false;
  }

  protected createWeights(): void {
    const k = this.kernelSize;
    this.v = this.addKernel('v', k, k);
    this.g = this.addWeight('g', [this.outChannels], 'float32', tf.initializers.ones());
    this.bias = this.useBias
      ? this.addWeight('bias', [this.outChannels], 'float32', tf.initializers.zeros())
      : undefined;
    this.bn = this.useBatchNorm ? this.addBatchNorm('bn', this.outChannels) : undefined;
  }

  /** The effective kernel in `v`'s layout, differentiable in v and g. */
  abstract kernel(): tf.Tensor4D;
  /** Core's float64 OIHW kernel for the same (v, g); `shape` is `[out, in/groups, kh, kw]`. */
  protected abstract coreKernel(v: Float64Array, shape: readonly number[], g: Floats): Float64Array;

  /** `g` shaped to scale `v` per output channel (`[1, 1, c, m]` when depthwise). */
  protected scaleOfV(): tf.Tensor {
    const g = this.g.read();
    return this.depthwise ? tf.reshape(g, [1, 1, this.inChannels, -1]) : g;
  }

  /** The axes of `v` that one output channel's kernel spans. */
  protected get kernelAxes(): number[] {
    return this.depthwise ? [0, 1] : [0, 1, 2];
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    const c = convOp(x, this.kernel(), this.strides, [p, p, p, p], this.depthwise);
    const y = this.bias ? tf.add<tf.Tensor4D>(c, this.bias.read()) : c;
    return this.bn ? this.bn.apply(y, training, this.momentum, this.epsilon) : y;
  }

  protected expr(): Expr {
    const weight = this.coreKernel(
      kernelOihw(this.v, this.depthwise),
      this.convShape,
      Float64Array.from(this.g.read().dataSync()),
    );
    return this.convExpr(weight, this.bias, this.bn);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), useBias: this.useBias, useBatchNorm: this.useBatchNorm };
  }
}

/** `g * v / ||v||` with the norm per output channel over `axes` (its kernel). */
function normalize(v: tf.Tensor, g: tf.Tensor, center: boolean, axes: number[]): tf.Tensor4D {
  const d = center ? tf.sub(v, tf.mean(v, axes, true)) : v;
  return tf.mul(d, tf.div(g, tf.sqrt(tf.sum(tf.square(d), axes, true))));
}

/**
 * Weight normalization (Salimans & Kingma, 2016): `W[o] = g[o] * v[o] / ||v[o]||`. Deploys as a
 * plain conv whose kernel is core's `weightNorm(v, g)`.
 */
export class WeightNormConv2D extends NormalizedConv2D {
  static readonly className = 'WeightNormConv2D';
  kernel(): tf.Tensor4D {
    return normalize(this.v.read(), this.scaleOfV(), false, this.kernelAxes);
  }
  protected coreKernel(v: Float64Array, shape: readonly number[], g: Floats): Float64Array {
    return weightNorm(v, shape, g);
  }
}

/**
 * Centered weight normalization (Huang et al., 2017): `W[o] = g[o] * (v[o] - mean) / ||v[o] - mean||`.
 * Deploys as a plain conv whose kernel is core's `centeredWeightNorm(v, g)`.
 */
export class CenteredWeightNormConv2D extends NormalizedConv2D {
  static readonly className = 'CenteredWeightNormConv2D';
  kernel(): tf.Tensor4D {
    return normalize(this.v.read(), this.scaleOfV(), true, this.kernelAxes);
  }
  protected coreKernel(v: Float64Array, shape: readonly number[], g: Floats): Float64Array {
    return centeredWeightNorm(v, shape, g);
  }
}

tf.serialization.registerClass(WeightNormConv2D);
tf.serialization.registerClass(CenteredWeightNormConv2D);
