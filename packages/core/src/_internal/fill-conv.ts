import type { Conv } from '../types.js';
import type { AxisWindow } from './window.js';

/** Shape and geometry of a conv, without its numbers: all the shape pass of `collapse` needs. */
export type ConvShape = Pick<Conv, 'shape' | 'geometry'>;

/**
 * One addend of a weight that is not added up yet: row `o` of `conv` times `rowScale[o]`
 * (1 when absent), placed at the taps its own window reads, as output channel `outOffset + o`.
 * A `tapMajor` part stores its weight `[kh * kw][out][in/groups]` (as matrix products leave it).
 * A `separable` part (a 1x1 conv then a depthwise one, DBB's average-pool branch) keeps its
 * 1x1 `conv` and spreads row `o` over the taps of `separable.window` with the factors
 * `separable.tapFactors[o * taps + t]`, instead of a dense `out * in * taps` weight.
 */
export interface WeightPart {
  readonly conv: Conv;
  readonly rowScale?: Float64Array;
  readonly outOffset: number;
  readonly tapMajor?: boolean;
  readonly separable?: Separable;
}

/** The taps a separable {@link WeightPart} spreads its 1x1 rows over, and the factor of each. */
export interface Separable {
  readonly window: ConvShape;
  readonly tapFactors: Float64Array;
}

/**
 * The form `collapse` works in: a conv whose weight is a sum of {@link WeightPart}s and whose
 * input padding holds `fill[c]` for input channel `c` (zeros when `fill` is undefined), so that
 * DBB's pad-with-bias stages compose exactly. Sums, concatenations and batch-norm folds only
 * gather parts and rescale rows; the parts are added up once, in float64, where a matrix product
 * needs the dense weight or where the result is written.
 */
export interface FillConv extends ConvShape {
  readonly bias: Float64Array;
  readonly fill?: Float64Array;
  readonly parts: readonly WeightPart[];
}

export function windowsOf(c: ConvShape): [AxisWindow, AxisWindow] {
  const { stride, padding, dilation } = c.geometry;
  return [
    {
      stride: stride[0],
      taps: c.shape[2],
      dilation: dilation[0],
      padBefore: padding[0],
      padAfter: padding[2],
    },
    {
      stride: stride[1],
      taps: c.shape[3],
      dilation: dilation[1],
      padBefore: padding[1],
      padAfter: padding[3],
    },
  ];
}

/** Whether any side of the conv's padding adds positions (reads fill values). */
export const padsInput = (c: ConvShape): boolean => c.geometry.padding.some((p) => p > 0);

/** A conv as one part (its arrays are read, never written). */
export function toFillConv(c: Conv, fill?: Float64Array): FillConv {
  return {
    shape: c.shape,
    geometry: c.geometry,
    bias: c.bias instanceof Float64Array ? c.bias : new Float64Array(c.bias),
    fill,
    parts: [{ conv: c, outOffset: 0 }],
  };
}

/** Whether two shapes have the same weight layout: taps, their positions, groups. */
export function sameLayout(a: ConvShape, b: ConvShape): boolean {
  const [ra, ca] = windowsOf(a);
  const [rb, cb] = windowsOf(b);
  const same = (x: AxisWindow, y: AxisWindow) =>
    x.taps === y.taps && x.padBefore === y.padBefore && (x.taps === 1 || x.dilation === y.dilation);
  return (
    a.shape[0] === b.shape[0] &&
    a.shape[1] === b.shape[1] &&
    a.geometry.groups === b.geometry.groups &&
    same(ra, rb) &&
    same(ca, cb)
  );
}

/**
 * The weight of `c` as stored, when it is exactly one unscaled part in `c`'s own layout and
 * order (OIHW, or tap-major when `tapMajor`).
 */
export function plainWeight(c: FillConv, tapMajor = false): Conv['weight'] | undefined {
  if (c.parts.length !== 1) return undefined;
  const [part] = c.parts;
  return part.rowScale === undefined &&
    part.separable === undefined &&
    part.outOffset === 0 &&
    (part.tapMajor ?? false) === tapMajor &&
    sameLayout(part.conv, c)
    ? part.conv.weight
    : undefined;
}
