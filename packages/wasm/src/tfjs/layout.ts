// Layout conversion at the tfjs boundary (tfjs: NHWC activations, HWIO filters, [kh, kw, c, m]
// depthwise filters; this package: NCHW and OIHW). The only place layouts change.

/** NHWC -> NCHW for an [n, h, w, c] tensor. */
export function nhwcToNchw(x: ArrayLike<number>, [n, h, w, c]: readonly number[]): Float32Array {
  const y = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h * w; i++)
      for (let k = 0; k < c; k++) y[(b * c + k) * h * w + i] = x[(b * h * w + i) * c + k];
  return y;
}

/** NCHW -> NHWC for an [n, c, h, w] tensor. */
export function nchwToNhwc(x: ArrayLike<number>, [n, c, h, w]: readonly number[]): Float32Array {
  const y = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h * w; i++) y[(b * h * w + i) * c + k] = x[(b * c + k) * h * w + i];
  return y;
}

/** HWIO [kh, kw, i, o] -> OIHW [o, i, kh, kw]. */
export function hwioToOihw(
  f: ArrayLike<number>,
  [kh, kw, ci, co]: readonly number[],
): Float32Array {
  const y = new Float32Array(kh * kw * ci * co);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++)
          y[((o * ci + c) * kh + i) * kw + j] = f[((i * kw + j) * ci + c) * co + o];
  return y;
}

/** OIHW [o, i, kh, kw] -> HWIO [kh, kw, i, o]. */
export function oihwToHwio(
  w: ArrayLike<number>,
  [co, ci, kh, kw]: readonly number[],
): Float32Array {
  const y = new Float32Array(kh * kw * ci * co);
  for (let o = 0; o < co; o++)
    for (let c = 0; c < ci; c++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          y[((i * kw + j) * ci + c) * co + o] = w[((o * ci + c) * kh + i) * kw + j];
  return y;
}

/**
 * Depthwise filter [kh, kw, c, m] -> OIHW [c * m, 1, kh, kw] (groups = c): output channel
 * c * m + k of tfjs's depthwise conv is input channel c times multiplier k.
 */
export function depthwiseToOihw(
  f: ArrayLike<number>,
  [kh, kw, c, m]: readonly number[],
): Float32Array {
  return hwioToOihw(f, [kh, kw, 1, c * m]);
}

/** OIHW [c * m, 1, kh, kw] -> depthwise filter [kh, kw, c, m]. */
export function oihwToDepthwise(
  w: ArrayLike<number>,
  [kh, kw, c, m]: readonly number[],
): Float32Array {
  return oihwToHwio(w, [c * m, 1, kh, kw]);
}
