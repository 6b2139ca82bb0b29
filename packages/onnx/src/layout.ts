/**
 * The only place where this adapter converts between tfjs layouts (HWIO kernels, NHWC
 * activations) and ONNX/core layouts (OIHW kernels, NCHW activations).
 */

/** A Conv2D kernel `[kh, kw, in, out]` (HWIO) as OIHW `[out, in, kh, kw]`. */
export function hwioToOihw(
  data: ArrayLike<number>,
  [kh, kw, ci, co]: readonly number[],
): { weight: Float32Array; dims: number[] } {
  const weight = new Float32Array(kh * kw * ci * co);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) {
          weight[((o * ci + i) * kh + y) * kw + x] = data[((y * kw + x) * ci + i) * co + o];
        }
  return { weight, dims: [co, ci, kh, kw] };
}

/** An OIHW kernel `[out, in, kh, kw]` as HWIO `[kh, kw, in, out]` (the inverse of {@link hwioToOihw}). */
export function oihwToHwio(
  data: ArrayLike<number>,
  [co, ci, kh, kw]: readonly number[],
): { kernel: Float32Array; dims: number[] } {
  const kernel = new Float32Array(kh * kw * ci * co);
  for (let o = 0; o < co; o++)
    for (let i = 0; i < ci; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) {
          kernel[((y * kw + x) * ci + i) * co + o] = data[((o * ci + i) * kh + y) * kw + x];
        }
  return { kernel, dims: [kh, kw, ci, co] };
}

/**
 * A DepthwiseConv2D kernel `[kh, kw, in, multiplier]` as a grouped OIHW kernel
 * `[in * multiplier, 1, kh, kw]` with `groups = in`; output channel `c * multiplier + m`.
 */
export function depthwiseToOihw(
  data: ArrayLike<number>,
  [kh, kw, ci, m]: readonly number[],
): { weight: Float32Array; dims: number[] } {
  const weight = new Float32Array(kh * kw * ci * m);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < ci; c++)
        for (let k = 0; k < m; k++) {
          weight[((c * m + k) * kh + y) * kw + x] = data[((y * kw + x) * ci + c) * m + k];
        }
  return { weight, dims: [ci * m, 1, kh, kw] };
}

/** Axis permutation NHWC -> NCHW (ONNX Transpose `perm`). */
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
/** Axis permutation NCHW -> NHWC. */
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;
