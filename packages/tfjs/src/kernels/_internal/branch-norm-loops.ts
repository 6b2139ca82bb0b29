/**
 * The loops of the branch batch-norm kernels over NHWC float32 data, channel innermost. Inputs
 * are visited one at a time, pixel by pixel, so each inner loop runs over one input's channels
 * with plain typed-array indexing (no calls, no allocation).
 */

/** One input of a branch sum: its data, channel count, and per-channel views of the T channels. */
export interface BranchData {
  x: Float32Array;
  c: number;
  /** Offset of its first channel among the T concatenated channels. */
  off: number;
}

/** The y row (element offset) of each of the `n h w` input pixels, y being padded by `p`. */
export function outputRows(n: number, h: number, w: number, o: number, p: number): Int32Array {
  const rows = new Int32Array(n * h * w);
  const wp = w + 2 * p;
  let q = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++) {
      const base = ((b * (h + 2 * p) + i + p) * wp + p) * o;
      for (let j = 0; j < w; j++) rows[q++] = base + j * o;
    }
  return rows;
}

/** Per-channel mean and biased variance over the pixels (two passes, float64 sums). */
export function channelMoments(
  inputs: readonly BranchData[],
  t: number,
  m: number,
): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(t);
  const variance = new Float64Array(t);
  for (const { x, c, off } of inputs) {
    const s = new Float64Array(c);
    for (let xr = 0; xr < m * c; xr += c) for (let k = 0; k < c; k++) s[k] += x[xr + k];
    for (let k = 0; k < c; k++) mean[off + k] = s[k] / m;
    const mu = mean.subarray(off, off + c);
    s.fill(0);
    for (let xr = 0; xr < m * c; xr += c) {
      for (let k = 0; k < c; k++) {
        const d = x[xr + k] - mu[k];
        s[k] += d * d;
      }
    }
    for (let k = 0; k < c; k++) variance[off + k] = s[k] / m;
  }
  return { mean, variance };
}

/** `y[rows[q] + into[t]] += scale[t] x[q, t]` over every input channel t; y holds the shifts already. */
export function accumulate(
  y: Float32Array,
  inputs: readonly BranchData[],
  rows: Int32Array,
  into: Int32Array,
  scale: Float64Array,
): void {
  for (const { x, c, off } of inputs) {
    const to = into.subarray(off, off + c);
    const sc = scale.subarray(off, off + c);
    for (let q = 0, xr = 0; q < rows.length; q++, xr += c) {
      const yr = rows[q];
      for (let k = 0; k < c; k++) y[yr + to[k]] += sc[k] * x[xr + k];
    }
  }
}

/** `s1[o] = sum dy[rows[q] + o]`, `s2[t] = sum dy[rows[q] + into[t]] x[q, t]`. */
export function gradientSums(
  dy: Float32Array,
  inputs: readonly BranchData[],
  rows: Int32Array,
  into: Int32Array,
  o: number,
  t: number,
): { s1: Float64Array; s2: Float64Array } {
  const s1 = new Float64Array(o);
  const s2 = new Float64Array(t);
  for (let q = 0; q < rows.length; q++) {
    const dr = rows[q];
    for (let k = 0; k < o; k++) s1[k] += dy[dr + k];
  }
  for (const { x, c, off } of inputs) {
    const to = into.subarray(off, off + c);
    const acc = new Float64Array(c);
    for (let q = 0, xr = 0; q < rows.length; q++, xr += c) {
      const dr = rows[q];
      for (let k = 0; k < c; k++) acc[k] += dy[dr + to[k]] * x[xr + k];
    }
    s2.set(acc, off);
  }
  return { s1, s2 };
}

/** `dx[q, t] = k_t dy[rows[q] + into[t]] + u_t x[q, t] + v_t` for each input. */
export function inputGradients(
  dxs: readonly Float32Array[],
  dy: Float32Array,
  inputs: readonly BranchData[],
  rows: Int32Array,
  into: Int32Array,
  coef: { k: Float64Array; u: Float64Array; v: Float64Array },
): void {
  inputs.forEach(({ x, c, off }, i) => {
    const dx = dxs[i];
    const to = into.subarray(off, off + c);
    const [k, u, v] = [coef.k, coef.u, coef.v].map((a) => a.subarray(off, off + c));
    for (let q = 0, xr = 0; q < rows.length; q++, xr += c) {
      const dr = rows[q];
      for (let j = 0; j < c; j++) dx[xr + j] = k[j] * dy[dr + to[j]] + u[j] * x[xr + j] + v[j];
    }
  });
}
