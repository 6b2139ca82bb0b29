import type { Expr } from '@reparam/core';
import { dimsOf, type PassContext } from './context.js';
import type { LinearOp } from './linear-ops.js';
import type { Region } from './regions.js';
import type { Term } from './term.js';

/** A run of a region between two tensors that every path of the region passes through. */
export interface Segment {
  readonly from: string;
  readonly to: string;
  readonly ops: readonly LinearOp[];
}

const outputOf = (ctx: PassContext, op: LinearOp): string =>
  ctx.index.graph.node[op.node].output[0];

/**
 * Splits a region at its cut tensors (tensors every input-to-output path passes through), in
 * order. A region without inner cuts is one segment.
 */
export function cutSegments(ctx: PassContext, region: Region): Segment[] {
  const { ops } = region;
  const lastUse = new Map<string, number>();
  ops.forEach((op, k) => op.inputs.forEach((t) => lastUse.set(t, k)));
  const segments: Segment[] = [];
  let start = 0;
  let from = region.input;
  const live = new Set<string>([region.input]);
  for (let k = 0; k < ops.length; k++) {
    for (const t of ops[k].inputs) if (lastUse.get(t) === k) live.delete(t);
    const out = outputOf(ctx, ops[k]);
    if ((lastUse.get(out) ?? -1) > k) live.add(out);
    if (k < ops.length - 1 && live.size === 1 && live.has(out)) {
      segments.push({ from, to: out, ops: ops.slice(start, k + 1) });
      start = k + 1;
      from = out;
    }
  }
  segments.push({ from, to: region.output, ops: ops.slice(start) });
  return segments;
}

/** The expression of ops (in topological order) from tensor `from` to tensor `to`; null when it is the identity. */
export function segmentExpr(
  ctx: PassContext,
  from: string,
  to: string,
  ops: readonly LinearOp[],
): Expr | null {
  const byOutput = new Map(ops.map((op) => [outputOf(ctx, op), op]));
  const memo = new Map<string, Term>();
  const term = (t: string): Term => {
    const cached = memo.get(t);
    if (cached !== undefined) return cached;
    const channels = dimsOf(ctx, t)![1];
    let result: Term;
    if (t === from) result = { expr: null, channels };
    else {
      const op = byOutput.get(t);
      if (op === undefined)
        throw new Error(
          `segmentExpr: '${t}' is neither produced in the segment nor its input '${from}'`,
        );
      result = { expr: op.build(op.inputs.map(term)), channels };
    }
    memo.set(t, result);
    return result;
  };
  return term(to).expr;
}
