import { identity, makeConv, sequence, conv, type Expr } from '@reparam/core';

/** The expression computing one tensor of a region from the region's input; `expr: null` is the input itself. */
export interface Term {
  readonly expr: Expr | null;
  readonly channels: number;
}

/** `op` applied after `t`. */
export const after = (t: Term, op: Expr): Expr => (t.expr === null ? op : sequence(t.expr, op));

/** The term as an expression (the region input is the identity). */
export const asExpr = (t: Term): Expr => t.expr ?? identity(t.channels);

/** `y[c] = factor[c] * x[c] + offset[c]` as a depthwise 1x1 conv. */
export function affine(factors: ArrayLike<number>, offsets: ArrayLike<number>): Expr {
  const c = factors.length;
  return conv(
    makeConv({
      shape: [c, 1, 1, 1],
      weight: Float64Array.from(factors),
      bias: Float64Array.from(offsets),
      groups: c,
    }),
  );
}
