import * as tf from '@tensorflow/tfjs';
import {
  centeredWeightNorm,
  conv,
  makeConv,
  ShapeError,
  weightNorm,
  type Expr,
  type Floats,
} from '@reparam/core';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';

/** Arguments of the weight-normalized convs. */
export interface WeightNormConv2DArgs extends ReparamLayerArgs {
  /** Adds a learnable bias (default true). */
  useBias?: boolean;
}

/**
 * Base of the dense weight-re-parameterized convs: a direction `v` (HWIO), a per-output-channel
 * scale `g`, an optional bias; the kernel is a function of (v, g) computed with tf ops for
 * training and by core's float64 function for the deploy conv.
 */
export abstract class NormalizedConv2D extends ReparamLayer {
  readonly useBias: boolean;
  protected v!: tf.LayerVariable;
  protected g!: tf.LayerVariable;
  private bias: tf.LayerVariable | undefined;

  constructor(args: WeightNormConv2DArgs) {
    super(args, { kernelSize: 3, activation: 'linear' });
    this.useBias = args.useBias ?? true;
    if (this.depthwise)
      throw new ShapeError(`${new.target.name}: depthwise is not supported; use a dense conv`);
  }

  protected createWeights(): void {
    const k = this.kernelSize;
    this.v = this.addKernel('v', k, k);
    this.g = this.addWeight('g', [this.outChannels], 'float32', tf.initializers.ones());
    this.bias = this.useBias
      ? this.addWeight('bias', [this.outChannels], 'float32', tf.initializers.zeros())
      : undefined;
  }

  /** The effective HWIO kernel, differentiable in v and g. */
  abstract kernel(): tf.Tensor4D;
  /** Core's float64 OIHW kernel for the same (v, g). */
  protected abstract coreKernel(v: Float64Array, shape: readonly number[], g: Floats): Float64Array;

  protected forward(x: tf.Tensor4D, _training: boolean): tf.Tensor4D {
    const p = this.padding;
    const y = convOp(x, this.kernel(), this.strides, [p, p, p, p], false);
    return this.bias ? tf.add<tf.Tensor4D>(y, this.bias.read()) : y;
  }

  protected expr(): Expr {
    const k = this.kernelSize;
    const shape = [this.outChannels, this.inChannels, k, k] as const;
    const weight = this.coreKernel(
      kernelOihw(this.v, false),
      shape,
      Float64Array.from(this.g.read().dataSync()),
    );
    const bias = this.bias ? Float64Array.from(this.bias.read().dataSync()) : undefined;
    return conv(makeConv({ shape, weight, bias, stride: this.strides, padding: this.padding }));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), useBias: this.useBias };
  }
}

/** `g * v / ||v||` with the norm per output channel over (kh, kw, in). */
function normalize(v: tf.Tensor, g: tf.Tensor, center: boolean): tf.Tensor4D {
  const d = center ? tf.sub(v, tf.mean(v, [0, 1, 2], true)) : v;
  return tf.mul(d, tf.div(g, tf.sqrt(tf.sum(tf.square(d), [0, 1, 2], true))));
}

/**
 * Weight normalization (Salimans & Kingma, 2016): `W[o] = g[o] * v[o] / ||v[o]||`. Deploys as a
 * plain conv whose kernel is core's `weightNorm(v, g)`.
 */
export class WeightNormConv2D extends NormalizedConv2D {
  static readonly className = 'WeightNormConv2D';
  kernel(): tf.Tensor4D {
    return normalize(this.v.read(), this.g.read(), false);
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
    return normalize(this.v.read(), this.g.read(), true);
  }
  protected coreKernel(v: Float64Array, shape: readonly number[], g: Floats): Float64Array {
    return centeredWeightNorm(v, shape, g);
  }
}

tf.serialization.registerClass(WeightNormConv2D);
tf.serialization.registerClass(CenteredWeightNormConv2D);
