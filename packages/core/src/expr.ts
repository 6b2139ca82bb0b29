import { validateConv } from './conv.js';
import { ShapeError } from './errors.js';
import { fmt } from './geometry.js';
import type { BatchNorm, Conv, Floats, Pair, Padding4 } from './types.js';

/**
 * A linear (affine) block, as a tree. Every training-time block of the re-parameterization
 * literature is one of these once batch-norm uses its running statistics.
 */
export type Expr =
  | { readonly kind: 'conv'; readonly conv: Conv }
  | { readonly kind: 'batchNorm'; readonly batchNorm: BatchNorm }
  | { readonly kind: 'identity'; readonly channels: number }
  | {
      readonly kind: 'avgPool';
      readonly channels: number;
      readonly kernel: Pair;
      readonly stride: Pair;
      readonly padding: Padding4;
      readonly countIncludePad: boolean;
    }
  | { readonly kind: 'pad'; readonly padding: Padding4; readonly fill: 'zero' | Floats }
  | { readonly kind: 'scale'; readonly factors: Floats }
  | { readonly kind: 'sum'; readonly terms: readonly Expr[] }
  | { readonly kind: 'sequence'; readonly stages: readonly Expr[] }
  | { readonly kind: 'concat'; readonly parts: readonly Expr[] };

/** A convolution node. */
export function conv(c: Conv): Expr {
  validateConv(c, 'conv');
  return { kind: 'conv', conv: c };
}

/** An eval-mode batch-norm node over `gamma.length` channels. */
export function batchNorm(bn: BatchNorm): Expr {
  const c = bn.gamma.length;
  for (const [name, v] of [
    ['beta', bn.beta],
    ['mean', bn.mean],
    ['variance', bn.variance],
  ] as const) {
    if (v.length !== c)
      throw new ShapeError(`batchNorm: ${name} has ${v.length} entries, gamma has ${c}`);
  }
  if (!(bn.epsilon >= 0)) throw new ShapeError(`batchNorm: epsilon ${bn.epsilon} must be >= 0`);
  for (let i = 0; i < c; i++) {
    if (!(bn.variance[i] + bn.epsilon > 0)) {
      throw new ShapeError(
        `batchNorm: variance[${i}] + epsilon = ${bn.variance[i] + bn.epsilon} must be > 0`,
      );
    }
  }
  return { kind: 'batchNorm', batchNorm: bn };
}

/** The identity on `channels` channels (a residual connection). */
export function identity(channels: number): Expr {
  positiveInt(channels, 'identity', 'channels');
  return { kind: 'identity', channels };
}

/** Options of {@link avgPool}. */
export interface AvgPoolOptions {
  channels: number;
  kernel: number | Pair;
  stride?: number | Pair;
  padding?: number | Padding4;
  /** Whether padded positions count in the divisor (PyTorch and ONNX default: true / 0). */
  countIncludePad?: boolean;
}

/** Average pooling over each channel separately (floor mode). */
export function avgPool(o: AvgPoolOptions): Expr {
  positiveInt(o.channels, 'avgPool', 'channels');
  const kernel = toPair(o.kernel);
  const stride = toPair(o.stride ?? kernel);
  const p = o.padding ?? 0;
  const padding: Padding4 = typeof p === 'number' ? [p, p, p, p] : [p[0], p[1], p[2], p[3]];
  [...kernel, ...stride].forEach((v) => positiveInt(v, 'avgPool', 'kernel and stride'));
  if (!padding.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new ShapeError(`avgPool: padding ${fmt(padding)} must be non-negative integers`);
  }
  return {
    kind: 'avgPool',
    channels: o.channels,
    kernel,
    stride,
    padding,
    countIncludePad: o.countIncludePad ?? true,
  };
}

/**
 * Spatial padding `[top, left, bottom, right]` filled with zeros or a value per channel;
 * negative amounts crop.
 */
export function pad(padding: number | Padding4, fill: 'zero' | Floats = 'zero'): Expr {
  const p: Padding4 =
    typeof padding === 'number'
      ? [padding, padding, padding, padding]
      : [padding[0], padding[1], padding[2], padding[3]];
  if (!p.every((v) => Number.isInteger(v)))
    throw new ShapeError(`pad: amounts ${fmt(p)} must be integers`);
  if (fill !== 'zero' && fill.length === 0) throw new ShapeError('pad: fill has no channels');
  return { kind: 'pad', padding: p, fill };
}

/** Multiplies channel `c` by `factors[c]`. */
export function scale(factors: Floats): Expr {
  if (factors.length === 0) throw new ShapeError('scale: factors has no channels');
  return { kind: 'scale', factors };
}

/** Parallel branches whose outputs are added. */
export function sum(...terms: Expr[]): Expr {
  if (terms.length === 0) throw new ShapeError('sum: needs at least one term');
  return { kind: 'sum', terms };
}

/** Stages applied one after the other, first to last. */
export function sequence(...stages: Expr[]): Expr {
  if (stages.length === 0) throw new ShapeError('sequence: needs at least one stage');
  return { kind: 'sequence', stages };
}

/** Parallel branches whose outputs are concatenated along channels, in order. */
export function concat(...parts: Expr[]): Expr {
  if (parts.length === 0) throw new ShapeError('concat: needs at least one part');
  return { kind: 'concat', parts };
}

function toPair(v: number | Pair): Pair {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

function positiveInt(v: number, fn: string, what: string): void {
  if (!Number.isInteger(v) || v < 1)
    throw new ShapeError(`${fn}: ${what} ${v} must be a positive integer`);
}
