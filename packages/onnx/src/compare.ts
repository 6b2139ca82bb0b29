import type { DenseTensor } from './ort-run.js';

/** How far one tensor is from its reference: max |a - b| over max |reference|. */
export interface Difference {
  readonly name: string;
  readonly maxAbsDiff: number;
  readonly maxAbs: number;
  /** `maxAbsDiff / max(maxAbs, tiny)`; the verification criterion. */
  readonly relative: number;
}

/** Compares two tensors of the same name; shapes must agree (otherwise the difference is infinite). */
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
    const d = Math.abs(r - a);
    if (!(d <= diff))
      diff = Number.isNaN(d) ? (Number.isNaN(r) && Number.isNaN(a) ? diff : Infinity) : d;
    if (Math.abs(r) > max) max = Math.abs(r);
  }
  return { name, maxAbsDiff: diff, maxAbs: max, relative: diff / Math.max(max, Number.MIN_VALUE) };
}
