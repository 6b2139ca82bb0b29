import type { CollapseOptions, Floats } from '@reparam/core';
import { float32View, initializerValue } from './initializer-values.js';
import type { GraphIndex } from './graph.js';
import type { DenseTensor } from './ort-run.js';
import type { RandomNode } from './random-ops.js';
import type { TensorSize } from './probe-sizes.js';

/** How a tensor's value is known: fixed by the file, fixed once input shapes are, or computed from input values. */
export type TensorKind = 'const' | 'shape' | 'dynamic';

/** What the graph pass knows about a graph: its index, tensor kinds, and values/dims at the probe shapes. */
export interface PassContext {
  readonly index: GraphIndex;
  readonly kinds: ReadonlyMap<string, TensorKind>;
  /**
   * Values on the probe input of the graph inputs and of the node outputs the pass reads;
   * initializers are read from the model when asked for (see {@link valueOf}).
   */
  readonly values: ReadonlyMap<string, DenseTensor>;
  /** Dims and types of the node outputs the probe read without their values (see {@link dimsOf}). */
  readonly sizes?: ReadonlyMap<string, TensorSize>;
  /**
   * Graph inputs whose dims past the batch are dynamic (symbolic or undeclared). With any, the
   * pass makes no merge that is exact only at the probe's spatial size: the written model keeps
   * its dynamic dims and would be wrong at other sizes.
   */
  readonly dynamicSizeInputs: readonly string[];
  /** The model's version of the default domain: ops are read as that version defines them. */
  readonly opset: number;
  /** The random operators of the graph. */
  readonly randomNodes: readonly RandomNode[];
  /** Tensors whose values depend on a random operator. */
  readonly random: ReadonlySet<string>;
  /**
   * Graph inputs with any dynamic dim, batch included. With any, a value computed from input
   * shapes (`Shape(x)[0]`) is not folded into a conv: the written model keeps the dynamic dims.
   */
  readonly symbolicInputs: readonly string[];
  /** Options every `collapse` of the pass gets (the matrix product, a memory budget). */
  readonly collapseOptions: Pick<CollapseOptions, 'product' | 'maxBytes'>;
}

/** Dims of a tensor on the probe input, if known. */
export const dimsOf = (ctx: PassContext, name: string): readonly number[] | undefined =>
  ctx.values.get(name)?.dims ??
  ctx.sizes?.get(name)?.dims ??
  ctx.index.initializers.get(name)?.dims;

/** Element type (onnxruntime's name) of a tensor on the probe input, if known. */
export const typeOf = (ctx: PassContext, name: string): string | undefined =>
  (ctx.values.get(name) ?? ctx.sizes?.get(name))?.type;

/** The kind of a tensor; an empty name (absent optional input) is constant. */
export const kindOf = (ctx: PassContext, name: string): TensorKind =>
  name === '' ? 'const' : (ctx.kinds.get(name) ?? 'dynamic');

/** A tensor's value on the probe input: computed by the probe, or an initializer (as float64). */
export function valueOf(ctx: PassContext, name: string): DenseTensor | undefined {
  return ctx.values.get(name) ?? initializerValue(ctx.index.initializers.get(name));
}

/** The values of a non-dynamic tensor as float64, or undefined. */
export function numbersOf(ctx: PassContext, name: string): Float64Array | undefined {
  if (name === '' || kindOf(ctx, name) === 'dynamic') return undefined;
  const t = valueOf(ctx, name);
  if (t === undefined) return undefined;
  if (t.data instanceof Float64Array) return t.data;
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array)
    return Float64Array.from(t.data, Number);
  return Float64Array.from(t.data);
}

/**
 * The values of a non-dynamic float tensor for `core` (weights): a float32 initializer as its
 * stored float32 values (a view of the file's bytes where aligned, no float64 copy), anything
 * else as float64.
 */
export function floatsOf(ctx: PassContext, name: string): Floats | undefined {
  const t = ctx.values.has(name) ? undefined : ctx.index.initializers.get(name);
  return (t === undefined ? undefined : float32View(t)) ?? numbersOf(ctx, name);
}

/** True when a tensor is read by no node and is not a graph output. */
export const unused = (ctx: PassContext, name: string): boolean =>
  name === '' ||
  ((ctx.index.consumers.get(name) ?? []).length === 0 && !ctx.index.outputs.has(name));
