import { ShapeError } from '../errors.js';
import type { Floats } from '../types.js';

function rows(fn: string, v: Floats, shape: readonly number[], g?: Floats): [number, number] {
  const out = shape[0];
  const size = shape.reduce((a, b) => a * b, 1);
  if (v.length !== size)
    throw new ShapeError(
      `${fn}: v has ${v.length} entries, shape [${shape.join(', ')}] needs ${size}`,
    );
  if (g !== undefined && g.length !== out)
    throw new ShapeError(`${fn}: g has ${g.length} entries for ${out} output channels`);
  return [out, size / out];
}

function normalizeRows(
  fn: string,
  v: Floats,
  shape: readonly number[],
  g: Floats | undefined,
  center: boolean,
): Float64Array {
  const [out, n] = rows(fn, v, shape, g);
  const w = Float64Array.from(v);
  for (let o = 0; o < out; o++) {
    const row = w.subarray(o * n, (o + 1) * n);
    if (center) {
      const mean = row.reduce((a, b) => a + b, 0) / n;
      for (let i = 0; i < n; i++) row[i] -= mean;
    }
    const norm = Math.sqrt(row.reduce((a, b) => a + b * b, 0));
    if (norm === 0)
      throw new ShapeError(
        `${fn}: output channel ${o} of v has norm 0${center ? ' after centring' : ''}`,
      );
    const factor = (g?.[o] ?? 1) / norm;
    for (let i = 0; i < n; i++) row[i] *= factor;
  }
  return w;
}

/**
 * Weight normalization (Salimans & Kingma, 2016): `W[o] = g[o] * v[o] / ||v[o]||`, one norm per
 * output channel over `in/groups * kh * kw` entries. Returns float64 in the shape of v.
 */
export function weightNorm(v: Floats, shape: readonly number[], g: Floats): Float64Array {
  return normalizeRows('weightNorm', v, shape, g, false);
}

/**
 * Centered weight normalization (Huang et al., 2017): `W[o] = g[o] * (v[o] - mean(v[o])) / ||v[o] - mean(v[o])||`.
 * Returns float64 in the shape of v.
 */
export function centeredWeightNorm(v: Floats, shape: readonly number[], g: Floats): Float64Array {
  return normalizeRows('centeredWeightNorm', v, shape, g, true);
}

export { rows as weightRows };
