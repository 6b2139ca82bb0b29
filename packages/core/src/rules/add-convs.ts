import { validateConv } from '../conv.js';
import { ShapeError } from '../errors.js';
import { materialize } from '../_internal/dense.js';
import { toFillConv } from '../_internal/fill-conv.js';
import { sumFillConvs } from '../_internal/sum.js';
import type { Conv } from '../types.js';

/**
 * Additivity, `x*K1 + x*K2 = x*(K1+K2)` (transform II of DBB, Ding et al. 2021), with kernel
 * embedding (VI): parallel convs over the same input become one conv whose kernel is the sum of
 * every kernel placed at the positions it reads. Exact when all branches share the stride and
 * produce the same output size for every input size (`padBefore + padAfter - dilation*(k-1)`
 * equal per axis); taps are laid on the gcd of dilations and offsets, groups become the gcd of
 * the groups. Kernels of different sizes, dilations and asymmetric paddings therefore merge
 * whenever their sliding windows coincide. Returns float64.
 */
export function addConvs(
  convs: readonly Conv[],
): Conv & { weight: Float64Array; bias: Float64Array } {
  if (convs.length === 0) throw new ShapeError('addConvs: needs at least one conv');
  convs.forEach((c) => validateConv(c, 'addConvs'));
  return materialize(
    sumFillConvs(
      convs.map((c) => toFillConv(c)),
      'addConvs',
    ),
  );
}
