import type { Heap } from '../_internal/heap.js';

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Spatial constant padding of an NCHW tensor at byte offset `x` into `y` (negative amounts crop). */
export function padJs(
  heap: Heap,
  x: number,
  [n, c, h, w]: readonly number[],
  y: number,
  [top, left, bottom, right]: readonly [number, number, number, number],
  value: number,
): void {
  const ho = h + top + bottom;
  const wo = w + left + right;
  const src = heap.f32(x, n * c * h * w);
  const dst = heap.f32(y, n * c * ho * wo);
  dst.fill(value);
  const x0 = Math.max(0, -left);
  const x1 = Math.min(w, wo - left);
  for (let q = 0; q < n * c; q++) {
    for (let i = Math.max(0, -top); i < Math.min(h, ho - top); i++) {
      if (x1 > x0)
        dst.set(
          src.subarray((q * h + i) * w + x0, (q * h + i) * w + x1),
          (q * ho + i + top) * wo + x0 + left,
        );
    }
  }
}

/**
 * Softmax of `x` (dims `shape`) along `axis` into `y` (may be `x`): rows are read whole before
 * they are written. With `coerce2d` (ONNX before opset 13) the rows span every dim from `axis` on.
 */
export function softmaxJs(
  heap: Heap,
  x: number,
  shape: readonly number[],
  y: number,
  axis: number,
  coerce2d: boolean,
): void {
  const a = axis < 0 ? axis + shape.length : axis;
  const length = coerce2d ? size(shape.slice(a)) : shape[a];
  const inner = coerce2d ? 1 : size(shape.slice(a + 1));
  const outer = size(shape.slice(0, a));
  const src = heap.f32(x, size(shape));
  const dst = heap.f32(y, size(shape));
  const row = new Float64Array(length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * length + k) * inner + i;
      let max = -Infinity;
      for (let k = 0; k < length; k++) max = Math.max(max, src[at(k)]);
      let sum = 0;
      for (let k = 0; k < length; k++) {
        row[k] = Math.exp(src[at(k)] - max);
        sum += row[k];
      }
      for (let k = 0; k < length; k++) dst[at(k)] = row[k] / sum;
    }
  }
}

/** y = x with its dims permuted by `perm` (empty: reversed), any rank. */
export function transposeJs(
  heap: Heap,
  x: number,
  shape: readonly number[],
  y: number,
  perm: readonly number[],
): void {
  const rank = shape.length;
  const p = perm.length === 0 ? shape.map((_, i) => rank - 1 - i) : perm;
  const outShape = p.map((k) => shape[k]);
  const strides = shape.map((_, i) => size(shape.slice(i + 1)));
  const src = heap.f32(x, size(shape));
  const dst = heap.f32(y, size(shape));
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < dst.length; o++) {
    let from = 0;
    for (let d = 0; d < rank; d++) from += index[d] * strides[p[d]];
    dst[o] = src[from];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
}
