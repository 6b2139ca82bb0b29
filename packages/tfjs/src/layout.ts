/**
 * The one place where tfjs layouts meet core's layouts.
 *
 * tfjs stores conv kernels as HWIO `[kh, kw, in, out]`, depthwise kernels as
 * `[kh, kw, channels, multiplier]`, and activations as NHWC. `@reparam/core` uses OIHW
 * `[out, in / groups, kh, kw]` and NCHW everywhere. Every conversion goes through this file.
 */
import { ShapeError, type Floats, type Tensor } from '@reparam/core';

/** A 4-D shape. */
export type Shape4 = readonly [number, number, number, number];

function checkSize(fn: string, data: ArrayLike<number>, shape: Shape4): void {
  const n = shape[0] * shape[1] * shape[2] * shape[3];
  if (!shape.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new ShapeError(`${fn}: shape [${shape.join(', ')}] must be four positive integers`);
  }
  if (data.length !== n) {
    throw new ShapeError(
      `${fn}: data has ${data.length} entries, shape [${shape.join(', ')}] needs ${n}`,
    );
  }
}

/**
 * HWIO `[kh, kw, i, o]` -> OIHW `[o, i, kh, kw]` (float64 copy). Works for grouped kernels too:
 * tfjs's `i` is core's `in / groups`.
 */
export function hwioToOihw(
  data: ArrayLike<number>,
  shape: Shape4,
): { weight: Float64Array; shape: Shape4 } {
  checkSize('hwioToOihw', data, shape);
  const [kh, kw, ci, co] = shape;
  const out = new Float64Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++)
          out[((o * ci + i) * kh + y) * kw + x] = data[((y * kw + x) * ci + i) * co + o];
  return { weight: out, shape: [co, ci, kh, kw] };
}

/** OIHW `[o, i, kh, kw]` -> HWIO `[kh, kw, i, o]` (float32 copy, ready for `tf.tensor4d`). */
export function oihwToHwio(
  data: ArrayLike<number>,
  shape: Shape4,
): { kernel: Float32Array; shape: Shape4 } {
  checkSize('oihwToHwio', data, shape);
  const [co, ci, kh, kw] = shape;
  const out = new Float32Array(data.length);
  for (let o = 0; o < co; o++)
    for (let i = 0; i < ci; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          out[((y * kw + x) * ci + i) * co + o] = data[((o * ci + i) * kh + y) * kw + x];
  return { kernel: out, shape: [kh, kw, ci, co] };
}

/**
 * Depthwise `[kh, kw, c, m]` -> OIHW `[c * m, 1, kh, kw]` with `groups = c`: output channel
 * `c * m + j` is tfjs's channel multiplier `j` of input channel `c`.
 */
export function depthwiseToOihw(
  data: ArrayLike<number>,
  shape: Shape4,
): { weight: Float64Array; shape: Shape4 } {
  checkSize('depthwiseToOihw', data, shape);
  const [kh, kw, c, m] = shape;
  // [kh, kw, c, m] is HWIO with i = c * m, o = 1 flattened; reorder to [(c m), 1, kh, kw].
  const { weight } = hwioToOihw(data, [kh, kw, 1, c * m]);
  return { weight, shape: [c * m, 1, kh, kw] };
}

/** OIHW `[c * m, 1, kh, kw]` (groups = c) -> depthwise `[kh, kw, c, m]`. */
export function oihwToDepthwise(
  data: ArrayLike<number>,
  shape: Shape4,
  channels: number,
): { kernel: Float32Array; shape: Shape4 } {
  checkSize('oihwToDepthwise', data, shape);
  if (shape[1] !== 1 || shape[0] % channels !== 0) {
    throw new ShapeError(
      `oihwToDepthwise: shape [${shape.join(', ')}] is not depthwise over ${channels} channels (needs [c * m, 1, kh, kw])`,
    );
  }
  const { kernel } = oihwToHwio(data, [shape[0], 1, shape[2], shape[3]]);
  return { kernel, shape: [shape[2], shape[3], channels, shape[0] / channels] };
}

/** NHWC data of shape `[n, h, w, c]` -> core's float64 NCHW {@link Tensor}. */
export function nhwcToNchw(data: ArrayLike<number>, shape: Shape4): Tensor {
  checkSize('nhwcToNchw', data, shape);
  const [n, h, w, c] = shape;
  const out = new Float64Array(data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++)
          out[((b * c + k) * h + y) * w + x] = data[((b * h + y) * w + x) * c + k];
  return { shape: [n, c, h, w], data: out };
}

/** Core's NCHW tensor -> NHWC float32 data and its shape `[n, h, w, c]`. */
export function nchwToNhwc(t: { shape: Shape4; data: Floats }): {
  data: Float32Array;
  shape: Shape4;
} {
  checkSize('nchwToNhwc', t.data, t.shape);
  const [n, c, h, w] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          out[((b * h + y) * w + x) * c + k] = t.data[((b * c + k) * h + y) * w + x];
  return { data: out, shape: [n, h, w, c] };
}

/**
 * `[n, filters]` row-major (tfjs: the output axis last, as in HWIO and dense kernels) ->
 * `[filters, n]` (core: one filter per row, as in OIHW). Float64 copy.
 */
export function filtersFirst(data: ArrayLike<number>, filters: number): Float64Array {
  const n = data.length / filters;
  if (!Number.isInteger(filters) || filters < 1 || !Number.isInteger(n))
    throw new ShapeError(
      `filtersFirst: ${data.length} entries do not split into ${filters} filters`,
    );
  const out = new Float64Array(data.length);
  for (let r = 0; r < n; r++)
    for (let f = 0; f < filters; f++) out[f * n + r] = data[r * filters + f];
  return out;
}

/** The inverse of {@link filtersFirst}: `[filters, n]` -> `[n, filters]` (float32, for tfjs). */
export function filtersLast(data: ArrayLike<number>, filters: number): Float32Array {
  const n = data.length / filters;
  if (!Number.isInteger(filters) || filters < 1 || !Number.isInteger(n))
    throw new ShapeError(
      `filtersLast: ${data.length} entries do not split into ${filters} filters`,
    );
  const out = new Float32Array(data.length);
  for (let f = 0; f < filters; f++)
    for (let r = 0; r < n; r++) out[r * filters + f] = data[f * n + r];
  return out;
}
