import type { GraphIndex } from './graph.js';
import type { DenseTensor } from './ort-run.js';
import type { RandomNode } from './random-ops.js';

/** How a tensor's value is known: fixed by the file, fixed once input shapes are, or computed from input values. */
export type TensorKind = 'const' | 'shape' | 'dynamic';

/** What the graph pass knows about a graph: its index, tensor kinds, and values/dims at the probe shapes. */
export interface PassContext {
  readonly index: GraphIndex;
  readonly kinds: ReadonlyMap<string, TensorKind>;
  /** Every tensor's value on the probe input (initializers, node outputs, graph inputs). */
  readonly values: ReadonlyMap<string, DenseTensor>;
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
}

/** Dims of a tensor on the probe input, if known. */
export const dimsOf = (ctx: PassContext, name: string): readonly number[] | undefined =>
  ctx.values.get(name)?.dims;

/** The kind of a tensor; an empty name (absent optional input) is constant. */
export const kindOf = (ctx: PassContext, name: string): TensorKind =>
  name === '' ? 'const' : (ctx.kinds.get(name) ?? 'dynamic');

/** The values of a non-dynamic tensor as float64, or undefined. */
export function numbersOf(ctx: PassContext, name: string): Float64Array | undefined {
  if (name === '' || kindOf(ctx, name) === 'dynamic') return undefined;
  const t = ctx.values.get(name);
  if (t === undefined) return undefined;
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array)
    return Float64Array.from(t.data, Number);
  return Float64Array.from(t.data);
}

/** True when a tensor is read by no node and is not a graph output. */
export const unused = (ctx: PassContext, name: string): boolean =>
  name === '' ||
  ((ctx.index.consumers.get(name) ?? []).length === 0 && !ctx.index.outputs.has(name));
