import { validateConv } from '../conv.js';
import { ShapeError } from '../errors.js';
import { composeFillConvs } from '../_internal/compose.js';
import { materialize } from '../_internal/dense.js';
import { toFillConv } from '../_internal/fill-conv.js';
import { withScratch } from '../_internal/scratch.js';
import { jsMatrixProduct, type MatrixProduct } from '../product.js';
import type { Conv, Floats } from '../types.js';

/** Options of {@link composeConvs}. */
export interface ComposeOptions {
  /** Per-channel values the second conv's padding holds (default zeros), as DBB's BNAndPad layer. */
  intermediateFill?: Floats;
  /**
   * The matrix product (default {@link jsMatrixProduct}, float64). A float32 product gives a
   * float64 array of float32-accurate values.
   */
  product?: MatrixProduct;
}

/**
 * Sequential composition (transform III of DBB, generalised): `second(first(x))` as one conv.
 * A KxK then a K'xK' (first stride 1) gives a (K+K'-1)x(K+K'-1) kernel; in general the stride is
 * `s1*s2`, taps lie on `gcd(s1*d2, d1)` and the padding is `p1 + s1*p2`; groups become
 * `gcd(g1, g2)`. Exact only if the second conv does not pad, or, along each padded axis, the
 * first conv is one tap wide, does not crop, and the padding holds the first conv's bias
 * (`intermediateFill`). Zero padding after a biased 1x1 stage is refused: its border differs.
 * Returns float64.
 */
export function composeConvs(
  first: Conv,
  second: Conv,
  options: ComposeOptions = {},
): Conv & { weight: Float64Array; bias: Float64Array } {
  validateConv(first, 'composeConvs');
  validateConv(second, 'composeConvs');
  const fill = options.intermediateFill;
  if (fill !== undefined && fill.length !== first.shape[0]) {
    throw new ShapeError(
      `composeConvs: intermediateFill has ${fill.length} values, the first conv makes ${first.shape[0]} channels`,
    );
  }
  return withScratch(() =>
    materialize(
      composeFillConvs(
        toFillConv(first),
        toFillConv(second, fill === undefined ? undefined : Float64Array.from(fill)),
        'composeConvs',
        options.product ?? jsMatrixProduct,
      ),
    ),
  );
}
