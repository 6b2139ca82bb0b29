import * as tf from '@tensorflow/tfjs';
import { batchNorm, conv, makeConv, sequence, ShapeError, type Expr } from '@reparam/core';
import { activate, checkActivation, type ActivationName } from './_internal/activation.js';
import { BatchNormVars } from './_internal/batch-norm-vars.js';
import { branchNorm, type BranchInput } from './_internal/branch-norm.js';
import { windowLength } from './_internal/conv-op.js';

/** A tfjs weight initializer. */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** tfjs base layer arguments (name, trainable, inputShape, dtype...). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Arguments shared by every re-parameterizable layer. */
export interface ReparamLayerArgs extends BaseLayerArgs {
  /** Output channels. Required for dense layers; depthwise layers default to the input channels. */
  filters?: number;
  /** Odd kernel size K of the deploy conv (square). */
  kernelSize?: number;
  /** Stride of the deploy conv (both axes). Default 1. */
  strides?: number;
  /**
   * Depthwise (groups = input channels, `filters` a multiple of them) instead of dense. Other
   * group counts are refused: tfjs has no grouped conv.
   */
  depthwise?: boolean;
  /** Applied after the block. */
  activation?: ActivationName;
  /** Running-statistics momentum of the block's batch-norms (default 0.9, PyTorch's 0.1). */
  momentum?: number;
  /** Batch-norm epsilon (default 1e-5, PyTorch's). */
  epsilon?: number;
}

/**
 * Base of every layer that `reparameterize` can turn into one plain conv. NHWC input; the
 * deploy conv has a square odd kernel K, stride s, symmetric padding K/2 (PyTorch's
 * convention, exact for any input size), and the layer's activation after it.
 */
export abstract class ReparamLayer extends tf.layers.Layer {
  readonly filters: number | undefined;
  readonly kernelSize: number;
  readonly strides: number;
  readonly depthwise: boolean;
  readonly activation: ActivationName;
  readonly momentum: number;
  readonly epsilon: number;
  /** Input channels, known after `build`. */
  protected inChannels = 0;
  /** Output channels, known after `build`. */
  protected outChannels = 0;

  constructor(
    args: ReparamLayerArgs,
    defaults: { kernelSize: number; activation: ActivationName },
  ) {
    super(args);
    const fn = new.target.name;
    this.filters = args.filters ?? undefined; // null after a save -> load round trip
    this.kernelSize = args.kernelSize ?? defaults.kernelSize;
    this.strides = args.strides ?? 1;
    this.depthwise = args.depthwise ?? false;
    this.activation = checkActivation(fn, args.activation ?? defaults.activation);
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-5;
    const k = this.kernelSize;
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
      throw new ShapeError(`${fn}: kernelSize ${k} must be an odd positive integer`);
    if (!Number.isInteger(this.strides) || this.strides < 1)
      throw new ShapeError(`${fn}: strides ${this.strides} must be a positive integer`);
    if (this.filters !== undefined && (!Number.isInteger(this.filters) || this.filters < 1)) {
      throw new ShapeError(`${fn}: filters ${this.filters} must be a positive integer`);
    }
    if (!this.depthwise && this.filters === undefined)
      throw new ShapeError(`${fn}: filters is required unless depthwise`);
    const groups = (args as { groups?: unknown }).groups;
    if (groups !== undefined && groups !== null && groups !== 1) {
      throw new ShapeError(
        `${fn}: groups ${JSON.stringify(groups)} is not supported: tfjs has only dense and depthwise convs; use groups 1 or depthwise: true`,
      );
    }
  }

  /** Symmetric padding of the KxK conv. */
  get padding(): number {
    return this.kernelSize >> 1;
  }

  /** Groups of the deploy conv: 1, or the input channels when depthwise. */
  get groups(): number {
    return this.depthwise ? this.inChannels : 1;
  }

  private channelsOut(inChannels: number): number {
    const out = this.filters ?? inChannels;
    if (this.depthwise && out % inChannels !== 0) {
      throw new ShapeError(
        `${this.getClassName()}: depthwise filters ${out} must be a multiple of the ${inChannels} input channels`,
      );
    }
    return out;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = s[3];
    if (s.length !== 4 || c === null || c === undefined) {
      throw new ShapeError(
        `${this.getClassName()} '${this.name}': input shape [${s.join(', ')}] must be NHWC with known channels`,
      );
    }
    this.inChannels = c;
    this.outChannels = this.channelsOut(c);
    this.createWeights();
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const p = this.padding;
    const len = (v: number | null): number | null =>
      windowLength(v, this.kernelSize, this.strides, p, p);
    return [s[0], len(s[1]), len(s[2]), this.channelsOut(s[3] ?? 0)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      this.invokeCallHook(inputs, kwargs);
      return activate(this.forward(x, kwargs['training'] === true), this.activation);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters ?? null,
      kernelSize: this.kernelSize,
      strides: this.strides,
      depthwise: this.depthwise,
      activation: this.activation,
      momentum: this.momentum,
      epsilon: this.epsilon,
    };
  }

  /**
   * The block's current weights as a linear {@link Expr} of `@reparam/core` (OIHW, batch-norms
   * with running statistics), without the activation. The layer must be built.
   */
  toExpr(): Expr {
    if (!this.built)
      throw new ShapeError(
        `${this.getClassName()}.toExpr: layer '${this.name}' is not built yet; call it on an input first`,
      );
    return this.expr();
  }

  /** Shape `[out, in/groups, K, K]` of the deploy conv (OIHW). */
  protected get convShape(): [number, number, number, number] {
    const k = this.kernelSize;
    return [this.outChannels, this.depthwise ? 1 : this.inChannels, k, k];
  }

  /**
   * One conv of this layer's geometry (stride, padding K/2, groups) with an OIHW `weight`, the
   * current values of an optional `bias`, and an optional batch-norm after it: the `Expr` of the
   * layers whose kernel is a function of other weights (RefConv, weight normalizations).
   */
  protected convExpr(
    weight: Float64Array,
    bias: tf.LayerVariable | undefined,
    bn: BatchNormVars | undefined,
  ): Expr {
    const c = conv(
      makeConv({
        shape: this.convShape,
        weight,
        bias: bias ? Float64Array.from(bias.read().dataSync()) : undefined,
        stride: this.strides,
        padding: this.padding,
        groups: this.groups,
      }),
    );
    return bn ? sequence(c, batchNorm(bn.toBatchNorm(this.epsilon))) : c;
  }

  /** Creates the weights; `inChannels` and `outChannels` are set. */
  protected abstract createWeights(): void;
  /** The training-form computation before the activation. */
  protected abstract forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D;
  /** See {@link toExpr}. */
  protected abstract expr(): Expr;

  /** Kernel shape `[kh, kw, in, out]`, or `[kh, kw, c, multiplier]` when depthwise. */
  protected kernelShape(kh: number, kw: number): [number, number, number, number] {
    return this.depthwise
      ? [kh, kw, this.inChannels, this.outChannels / this.inChannels]
      : [kh, kw, this.inChannels, this.outChannels];
  }

  /** Adds a conv kernel weight (Glorot uniform unless told). */
  protected addKernel(
    name: string,
    kh: number,
    kw: number,
    init?: Initializer,
    trainable = true,
  ): tf.LayerVariable {
    return this.addWeight(
      name,
      this.kernelShape(kh, kw),
      'float32',
      init ?? tf.initializers.glorotUniform({}),
      undefined,
      trainable,
    );
  }

  /**
   * Batch-norms the branch outputs `inputs` with `bn` (their channels stacked) and adds the
   * branches: one fused kernel forward and one backward on cpu and wasm. `pad`: DBB's border.
   */
  protected norm(
    inputs: readonly BranchInput[],
    bn: BatchNormVars,
    training: boolean,
    pad = 0,
  ): tf.Tensor4D {
    return branchNorm(inputs, bn, {
      training,
      momentum: this.momentum,
      epsilon: this.epsilon,
      pad,
    });
  }

  /** Adds a batch-norm's gamma, beta and running statistics over `channels`. */
  protected addBatchNorm(prefix: string, channels: number): BatchNormVars {
    const w = (n: string, init: Initializer, trainable: boolean): tf.LayerVariable =>
      this.addWeight(`${prefix}_${n}`, [channels], 'float32', init, undefined, trainable);
    return new BatchNormVars(
      w('gamma', tf.initializers.ones(), true),
      w('beta', tf.initializers.zeros(), true),
      w('moving_mean', tf.initializers.zeros(), false),
      w('moving_variance', tf.initializers.ones(), false),
    );
  }
}
