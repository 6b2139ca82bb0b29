import type { PassContext } from './context.js';
import { linearOp, type LinearOp, type NotLinear } from './linear-ops.js';

/** A maximal connected set of linear nodes that reads one activation tensor and writes one. */
export interface Region {
  /** Linear ops in topological order (the last one writes `output`). */
  readonly ops: readonly LinearOp[];
  readonly input: string;
  readonly output: string;
}

/** The regions of a graph, and the nodes of linear op types that could not join one, with the reason. */
export interface RegionScan {
  readonly regions: Region[];
  readonly excluded: NotLinear[];
}

/**
 * Finds maximal linear regions: grows each region backwards from a node whose output leaves the
 * linear world (read by a non-linear node or a graph output), taking a producer only when all
 * of its readers are in the region. Nodes that mix two different region inputs (a residual Add
 * from outside) are excluded and the scan repeats. `split` excludes more nodes, with a reason
 * (branch merges of a region that could not be collapsed, so its branches are tried alone).
 */
export function findRegions(ctx: PassContext, split: readonly NotLinear[] = []): RegionScan {
  const ops = new Map<number, LinearOp>();
  const excluded: NotLinear[] = [...split];
  const forced = new Set(split.map((e) => e.node));
  for (const i of ctx.index.order) {
    if (forced.has(i)) continue;
    const r = linearOp(ctx, i);
    if (r === undefined) continue;
    if ('reason' in r) excluded.push(r);
    else ops.set(i, r);
  }
  const owner = new Map<number, number>();
  for (const op of ops.values()) for (const a of op.absorbs) owner.set(a, op.node);
  for (const a of owner.keys()) ops.delete(a);
  const finalExcluded = () => excluded.filter((e) => !owner.has(e.node));
  for (;;) {
    const regions = grow(ctx, ops, owner);
    const mixers = regions.flatMap((r) => mixing(ctx, r));
    if (mixers.length === 0)
      return { regions: regions.reverse().map((r) => toRegion(ctx, r)), excluded: finalExcluded() };
    for (const m of mixers) {
      ops.delete(m.node);
      excluded.push(m);
    }
  }
}

function grow(
  ctx: PassContext,
  ops: ReadonlyMap<number, LinearOp>,
  owner: ReadonlyMap<number, number>,
): LinearOp[][] {
  const regionOf = new Map<number, number>();
  const regions: LinearOp[][] = [];
  const readers = (tensor: string) =>
    (ctx.index.consumers.get(tensor) ?? []).map((c) => owner.get(c) ?? c);
  for (const i of [...ctx.index.order].reverse()) {
    const op = ops.get(i);
    if (op === undefined) continue;
    const out = ctx.index.graph.node[i].output[0];
    const rs = new Set(readers(out).map((c) => (ops.has(c) ? regionOf.get(c) : -1)));
    let r: number;
    if (ctx.index.outputs.has(out) || rs.size !== 1 || rs.has(-1) || rs.has(undefined)) {
      r = regions.length;
      regions.push([]);
    } else r = [...rs][0] as number;
    regionOf.set(i, r);
    regions[r].unshift(op);
  }
  return regions;
}

/** Ops of a region where tensors traced back to two different region inputs first meet. */
function mixing(ctx: PassContext, ops: readonly LinearOp[]): NotLinear[] {
  const inside = new Map<string, LinearOp>();
  for (const op of ops) inside.set(ctx.index.graph.node[op.node].output[0], op);
  const sources = new Map<string, Set<string>>();
  const of = (t: string): Set<string> =>
    inside.has(t) ? (sources.get(t) ?? new Set()) : new Set([t]);
  const out: NotLinear[] = [];
  for (const op of ops) {
    const each = op.inputs.map(of);
    const s = new Set(each.flatMap((t) => [...t]));
    sources.set(ctx.index.graph.node[op.node].output[0], s);
    // only where the inputs meet: ops downstream become clean once this one leaves the region
    if (s.size > 1 && each.every((t) => t.size <= 1)) {
      out.push({
        node: op.node,
        reason: `${ctx.index.graph.node[op.node].opType ?? ''}: combines activations from different inputs (${[...s].join(', ')})`,
      });
    }
  }
  return out;
}

function toRegion(ctx: PassContext, ops: LinearOp[]): Region {
  const produced = new Set(ops.map((op) => ctx.index.graph.node[op.node].output[0]));
  const input = ops.flatMap((op) => op.inputs).find((t) => !produced.has(t)) ?? '';
  return { ops, input, output: ctx.index.graph.node[ops[ops.length - 1].node].output[0] };
}
