import type { DenseTensor } from './ort-run.js';

/** How far one tensor is from its reference: max |a - b| over max |reference|. */
export interface Difference {
  readonly name: string;
  readonly maxAbsDiff: number;
  /** Largest finite |reference| entry. */
  readonly maxAbs: number;
  /** `maxAbsDiff / max(maxAbs, tiny)`; the verification criterion. */
  readonly relative: number;
}

/**
 * Compares two tensors of the same name; shapes must agree (otherwise the difference is
 * infinite). Where the reference is not finite (a model whose weights overflow), the actual
 * value must be the same infinity or NaN; the scale `maxAbs` is taken over finite entries, so
 * an infinite entry can neither hide a difference elsewhere nor count as one when matched.
 */
export function difference(name: string, reference: DenseTensor, actual: DenseTensor): Difference {
  if (
    reference.dims.join('x') !== actual.dims.join('x') ||
    reference.data.length !== actual.data.length
  ) {
    return { name, maxAbsDiff: Infinity, maxAbs: 0, relative: Infinity };
  }
  let diff = 0;
  let max = 0;
  for (let i = 0; i < reference.data.length; i++) {
    const r = Number(reference.data[i]);
    const a = Number(actual.data[i]);
    if (!Number.isFinite(r)) {
      if (!Object.is(r, a)) diff = Infinity;
      continue;
    }
    const d = Math.abs(r - a);
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
    if (Math.abs(r) > max) max = Math.abs(r);
  }
  return { name, maxAbsDiff: diff, maxAbs: max, relative: diff / Math.max(max, Number.MIN_VALUE) };
}
