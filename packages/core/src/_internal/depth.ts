import { ShapeError } from '../errors.js';
import type { Expr } from '../expr.js';

/** Deepest nesting of sums, sequences and concatenations that the recursive walks accept. */
export const MAX_EXPR_DEPTH = 1000;

const children = (e: Expr): readonly Expr[] =>
  e.kind === 'sum'
    ? e.terms
    : e.kind === 'sequence'
      ? e.stages
      : e.kind === 'concat'
        ? e.parts
        : [];

/**
 * Throws a {@link ShapeError} naming `fn` when `expr` nests deeper than {@link MAX_EXPR_DEPTH}
 * (checked without recursion), before a recursive walk would overflow the stack.
 */
export function checkDepth(expr: Expr, fn: string): void {
  const stack: [Expr, number][] = [[expr, 1]];
  while (stack.length > 0) {
    const [e, depth] = stack.pop()!;
    if (depth > MAX_EXPR_DEPTH)
      throw new ShapeError(
        `${fn}: the expression nests sums, sequences or concatenations more than ${MAX_EXPR_DEPTH} deep; flatten them (sequence(a, b, c) instead of sequence(a, sequence(b, c)))`,
      );
    for (const c of children(e)) stack.push([c, depth + 1]);
  }
}
