import type { Floats } from '../types.js';
import { denseWeight } from './dense.js';
import { type FillConv, sameLayout } from './fill-conv.js';
import { scratch } from './scratch.js';

/**
 * The weight of a conv as a matrix product reads it: value `(o, j, tap)` is
 * `rowScale[o] * data[tap * tapStride + o * rowStride + j * colStride]` (`rowScale` 1 when
 * absent). A conv stored as one part is read where it is, in its own order (OIHW or tap-major),
 * its batch-norm scale left to the product's result rows; anything else is added up first.
 */
export interface Operand {
  readonly data: Floats;
  readonly tapStride: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly rowScale?: Float64Array;
}

export function operandOf(c: FillConv): Operand {
  const [out, inPerGroup, kh, kw] = c.shape;
  const taps = kh * kw;
  const [part] = c.parts;
  if (
    c.parts.length === 1 &&
    part.outOffset === 0 &&
    part.separable === undefined &&
    sameLayout(part.conv, c)
  ) {
    const data = part.conv.weight;
    return part.tapMajor === true
      ? {
          data,
          tapStride: out * inPerGroup,
          rowStride: inPerGroup,
          colStride: 1,
          rowScale: part.rowScale,
        }
      : {
          data,
          tapStride: 1,
          rowStride: inPerGroup * taps,
          colStride: taps,
          rowScale: part.rowScale,
        };
  }
  return { data: denseWeight(c), tapStride: 1, rowStride: inPerGroup * taps, colStride: taps };
}

/** `sum_tap b(o, j, tap)` without the row scale, `[out][inner]`. */
export function tapSums(b: Operand, out: number, inner: number, taps: number): Float64Array {
  const { data, tapStride, rowStride, colStride } = b;
  const sums = new Float64Array(out * inner);
  for (let o = 0; o < out; o++)
    for (let j = 0; j < inner; j++) {
      const from = o * rowStride + j * colStride;
      let total = 0;
      for (let v = 0; v < taps; v++) total += data[from + v * tapStride];
      sums[o * inner + j] = total;
    }
  return sums;
}

/**
 * `b` (`out` rows of `inner` values per tap) in tap-major order, `[tap][out][inner]`: as stored,
 * or an unscaled copy in scratch memory (its row scale stays with the operand); with its
 * {@link tapSums}, taken in the same pass when it copies.
 */
export function tapMajorOperand(
  b: Operand,
  out: number,
  inner: number,
  taps: number,
): { operand: Operand; sums: Float64Array } {
  const plane = out * inner;
  if (b.colStride === 1 && b.rowStride === inner && (taps === 1 || b.tapStride === plane))
    return { operand: b, sums: tapSums(b, out, inner, taps) };
  const { data, tapStride, rowStride, colStride } = b;
  const copy = scratch(plane * taps, false);
  const sums = new Float64Array(plane);
  for (let o = 0; o < out; o++)
    for (let j = 0; j < inner; j++) {
      const from = o * rowStride + j * colStride;
      const to = o * inner + j;
      let total = 0;
      for (let v = 0; v < taps; v++) {
        const x = data[from + v * tapStride];
        copy[v * plane + to] = x;
        total += x;
      }
      sums[to] = total;
    }
  const operand = {
    data: copy,
    tapStride: plane,
    rowStride: inner,
    colStride: 1,
    rowScale: b.rowScale,
  };
  return { operand, sums };
}
