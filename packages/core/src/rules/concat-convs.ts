import { validateConv } from '../conv.js';
import { ShapeError } from '../errors.js';
import { materialize } from '../_internal/dense.js';
import { toFillConv } from '../_internal/fill-conv.js';
import { concatFillConvs } from '../_internal/sum.js';
import type { Conv } from '../types.js';

/**
 * Depth concatenation (transform IV of DBB): convs over the same input whose outputs are
 * concatenated along channels become one conv with their kernels stacked along the output axis,
 * each embedded in the common window. Exact under the same conditions as {@link addConvs}; the
 * result has groups 1 (a grouped part becomes block-sparse). Returns float64.
 */
export function concatConvs(
  convs: readonly Conv[],
): Conv & { weight: Float64Array; bias: Float64Array } {
  if (convs.length === 0) throw new ShapeError('concatConvs: needs at least one conv');
  convs.forEach((c) => validateConv(c, 'concatConvs'));
  return materialize(
    concatFillConvs(
      convs.map((c) => toFillConv(c)),
      'concatConvs',
    ),
  );
}
