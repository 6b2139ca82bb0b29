import { ShapeError } from '../errors.js';
import type { Floats } from '../types.js';
import { weightRows } from './weight-norm.js';
import { symmetricEigen } from './symmetric-eigen.js';

/**
 * Orthogonal weight normalization (Huang et al., AAAI 2018): with V the `[out, n]` matrix of
 * centred rows and `S = V V^T = D diag(l) D^T`, `W = D diag(l^-1/2) D^T V`, so W's rows are
 * orthonormal (`W W^T = I`); each row is then scaled by `g[o]` when given. Needs `out < n`
 * (centred rows span at most n - 1 dimensions).
 * Returns float64 in the shape of v.
 */
export function orthogonalWeightNorm(
  v: Floats,
  shape: readonly number[],
  g?: Floats,
): Float64Array {
  const [out, n] = weightRows('orthogonalWeightNorm', v, shape, g);
  // Centred rows sum to zero: they span at most n - 1 dimensions.
  if (out >= n)
    throw new ShapeError(
      `orthogonalWeightNorm: ${out} output channels cannot be orthonormal once centred in ${n} dimensions (they span at most ${n - 1}); need out < in/groups*kh*kw`,
    );
  const centred = Float64Array.from(v);
  for (let o = 0; o < out; o++) {
    const row = centred.subarray(o * n, (o + 1) * n);
    const mean = row.reduce((a, b) => a + b, 0) / n;
    for (let i = 0; i < n; i++) row[i] -= mean;
  }
  const s = new Float64Array(out * out);
  for (let a = 0; a < out; a++) {
    for (let b = a; b < out; b++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += centred[a * n + i] * centred[b * n + i];
      s[a * out + b] = dot;
      s[b * out + a] = dot;
    }
  }
  const { values, vectors } = symmetricEigen(s, out);
  const scale = Math.max(...values) * 1e-12;
  values.forEach((l, i) => {
    if (!(l > scale))
      throw new ShapeError(
        `orthogonalWeightNorm: the centred rows of v are linearly dependent (eigenvalue ${l} at ${i})`,
      );
  });
  // P = D diag(l^-1/2) D^T, then W = P V.
  const p = new Float64Array(out * out);
  for (let a = 0; a < out; a++) {
    for (let b = 0; b < out; b++) {
      let acc = 0;
      for (let k = 0; k < out; k++)
        acc += (vectors[a * out + k] * vectors[b * out + k]) / Math.sqrt(values[k]);
      p[a * out + b] = acc;
    }
  }
  const w = new Float64Array(out * n);
  for (let a = 0; a < out; a++) {
    const factor = g?.[a] ?? 1;
    for (let k = 0; k < out; k++) {
      const coeff = p[a * out + k] * factor;
      for (let i = 0; i < n; i++) w[a * n + i] += coeff * centred[k * n + i];
    }
  }
  return w;
}
