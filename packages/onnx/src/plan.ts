import {
  BudgetError,
  collapse,
  costOf,
  NotEquivalentError,
  type Conv,
  type Expr,
} from '@reparam/core';
import { dimsOf, type PassContext } from './context.js';
import { nodeLabel } from './graph.js';
import type { Region } from './regions.js';
import type { NotLinear } from './linear-ops.js';
import { cutSegments, segmentExpr, type Segment } from './segments.js';
import { blockKind } from './block-kind.js';
import { MemoryBudgetError } from './errors.js';
import { formatBytes } from './memory-budget.js';
import { checkpoint } from './_internal/next-turn.js';

/** One collapsed run of a region: the nodes it replaces and the conv that replaces them. */
export interface Rewrite {
  readonly from: string;
  readonly to: string;
  readonly conv: Conv;
  /** Node indices replaced, absorbed nodes included. */
  readonly nodes: readonly number[];
  /** Name of the last replaced node, reused for the new Conv. */
  readonly name: string;
  /** Index of the region report and of the segment report this rewrite belongs to. */
  readonly region: number;
  readonly segment: number;
}

/** Parameters and multiply-adds (at the probe shape). */
export interface Size {
  readonly params: number;
  readonly macs: number;
}

/** What happened to one part of a region. */
export interface SegmentReport {
  readonly from: string;
  readonly to: string;
  readonly nodes: readonly string[];
  readonly collapsed: boolean;
  /** Why it was left as is. */
  readonly reason?: string;
  readonly before?: Size;
  readonly after?: Size;
  /** `[out, in/groups, kh, kw]` of the conv that replaced it. */
  readonly kernel?: readonly number[];
  /**
   * `[height, width]` of its input when the conv is exact at that size only (branches whose
   * output sizes agree only there); absent when it is exact at every size.
   */
  readonly inputSize?: readonly [number, number];
}

/** What happened to one linear region. */
export interface RegionReport {
  readonly id: number;
  /** The block the region looks like: 'RepVGG', 'ACB', 'DBB', 'MobileOne', 'RepLKNet', 'Conv+BN', 'linear'. */
  readonly kind: string;
  readonly input: string;
  readonly output: string;
  readonly nodes: readonly string[];
  readonly status: 'collapsed' | 'partly collapsed' | 'kept';
  readonly segments: readonly SegmentReport[];
  /** True when a parameter (pad indices, slice ends) was computed from input shapes. */
  readonly shapeDependent: boolean;
}

const MAX_SPAN = 8;

/**
 * Collapses each region with `core`: the whole region when one exact conv exists and costs no
 * more multiply-adds than the original; otherwise the longest runs of its segments that do.
 * A run whose branches agree in output size only at the probe's input size is merged for that
 * size (its report says so) when the graph inputs have fixed spatial dims, and kept otherwise.
 * Runs without a Conv, or that are already a single Conv, are left alone. Each merge must fit
 * in `ctx.collapseOptions.maxBytes` (checked by `core` before allocating): a longer run over it
 * falls back to shorter ones; one segment over it throws {@link MemoryBudgetError}.
 * Before each attempt the event loop runs (a signal handler can act) and `signal` is checked.
 */
export async function planRegions(
  ctx: PassContext,
  regions: readonly Region[],
  onRegion?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<{ rewrites: Rewrite[]; reports: RegionReport[] }> {
  const rewrites: Rewrite[] = [];
  const reports: RegionReport[] = [];
  for (const [id, region] of regions.entries()) {
    onRegion?.(id, regions.length);
    const segs = cutSegments(ctx, region);
    const parts: SegmentReport[] = [];
    let i = 0;
    while (i < segs.length) {
      let done = false;
      let firstReason = '';
      let longest = '';
      for (let j = Math.min(segs.length - 1, i + MAX_SPAN - 1); j >= i; j--) {
        const run: Segment = {
          from: segs[i].from,
          to: segs[j].to,
          ops: segs.slice(i, j + 1).flatMap((s) => s.ops),
        };
        await checkpoint(signal);
        const attempt = tryCollapse(ctx, run);
        if (j === i && 'reason' in attempt && attempt.overBudget !== undefined)
          throw overBudget(ctx, run, attempt.overBudget);
        if ('conv' in attempt) {
          const nodes = run.ops.flatMap((op) => [...op.absorbs, op.node]);
          const last = run.ops[run.ops.length - 1].node;
          rewrites.push({
            from: run.from,
            to: run.to,
            conv: attempt.conv,
            nodes,
            name: nodeLabel(ctx.index.graph.node[last], last),
            region: id,
            segment: parts.length,
          });
          parts.push({
            ...describe(ctx, run),
            collapsed: true,
            before: attempt.before,
            after: attempt.after,
            kernel: [...attempt.conv.shape],
            ...(attempt.inputSize === undefined ? {} : { inputSize: attempt.inputSize }),
          });
          i = j + 1;
          done = true;
          break;
        }
        if (j === i)
          firstReason =
            longest !== '' && longest !== attempt.reason
              ? `${attempt.reason} (with what follows: ${longest})`
              : attempt.reason;
        else if (longest === '') longest = attempt.reason;
      }
      if (!done) {
        parts.push({ ...describe(ctx, segs[i]), collapsed: false, reason: firstReason });
        i++;
      }
    }
    reports.push({
      id,
      kind: blockKind(ctx, region),
      input: region.input,
      output: region.output,
      nodes: region.ops
        .flatMap((op) => [...op.absorbs, op.node])
        .map((k) => nodeLabel(ctx.index.graph.node[k], k)),
      status: statusOf(parts),
      segments: parts,
      shapeDependent: region.ops.some((op) => op.shapeDependent),
    });
  }
  return { rewrites, reports };
}

const MERGES = new Set(['Add', 'Sum', 'Sub', 'Concat']);

/**
 * The branch merges (Add, Sum, Sub, Concat) of segments that could not be collapsed, as
 * exclusions for another scan: the branches of a block that is not exact as a whole may still
 * fold (each Conv with its BatchNormalization).
 */
export function splitKept(
  ctx: PassContext,
  regions: readonly Region[],
  reports: readonly RegionReport[],
): NotLinear[] {
  const out: NotLinear[] = [];
  reports.forEach((report, k) => {
    for (const seg of report.segments) {
      if (seg.collapsed) continue;
      const labels = new Set(seg.nodes);
      for (const op of regions[k].ops) {
        const node = ctx.index.graph.node[op.node];
        if (MERGES.has(node.opType ?? '') && labels.has(nodeLabel(node, op.node))) {
          out.push({
            node: op.node,
            reason: `${node.opType ?? ''}: merges branches of a block kept whole (${seg.reason ?? ''}); its branches were tried alone`,
          });
        }
      }
    }
  });
  return out;
}

/** 'collapsed' when every segment is, 'kept' when none is. */
export function statusOf(parts: readonly SegmentReport[]): RegionReport['status'] {
  const n = parts.filter((p) => p.collapsed).length;
  return n === parts.length ? 'collapsed' : n > 0 ? 'partly collapsed' : 'kept';
}

function describe(ctx: PassContext, s: Segment): { from: string; to: string; nodes: string[] } {
  const nodes = s.ops
    .flatMap((op) => [...op.absorbs, op.node])
    .map((k) => nodeLabel(ctx.index.graph.node[k], k));
  return { from: s.from, to: s.to, nodes };
}

type Attempt =
  | { conv: Conv; before: Size; after: Size; inputSize?: readonly [number, number] }
  | { reason: string; overBudget?: BudgetError };

/** The conversion's refusal of a run whose merge needs more than the memory budget. */
function overBudget(ctx: PassContext, s: Segment, e: BudgetError): MemoryBudgetError {
  const nodes = describe(ctx, s).nodes.join(', ');
  return new MemoryBudgetError(
    `convertModel: collapsing ${nodes} would allocate ${e.needed} bytes for ${e.merge}, more than the ${e.limit} bytes (${formatBytes(e.limit)}) the memory budget leaves once the conversion's own estimate is counted; nothing was allocated. Raise the budget (--max-memory, maxMemory) if the machine has the memory`,
    e.needed,
    e.limit,
    { cause: e },
  );
}

function tryCollapse(ctx: PassContext, s: Segment): Attempt {
  const ops = s.ops.map((op) => ctx.index.graph.node[op.node].opType);
  if (!ops.includes('Conv')) return { reason: 'no convolution in it; left as is' };
  if (s.ops.length === 1 && ops[0] === 'Conv') return { reason: 'already a single convolution' };
  let expr: Expr | null;
  try {
    expr = segmentExpr(ctx, s.from, s.to, s.ops);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  if (expr === null) return { reason: 'it is the identity' };
  const d = dimsOf(ctx, s.from)!;
  try {
    const merged = collapseAtSize(ctx, expr, [d[2], d[3]]);
    if ('reason' in merged) return merged;
    // costOf reuses the collapsed conv: each run is collapsed once.
    const cost = costOf(expr, [d[0], d[1], d[2], d[3]], { conv: merged.conv });
    const out = dimsOf(ctx, s.to)!;
    if (cost.outputShape.join('x') !== out.join('x')) {
      return {
        reason: `its expression gives ${cost.outputShape.join('x')}, the graph ${out.join('x')}`,
      };
    }
    const before = { params: cost.training.params, macs: cost.training.macs };
    const after = { params: cost.collapsed.params, macs: cost.collapsed.macs };
    if (after.macs > before.macs) {
      return {
        reason: `one conv would cost ${after.macs} multiply-adds instead of ${before.macs}`,
      };
    }
    return { ...merged, before, after };
  } catch (e) {
    const memory = e instanceof BudgetError && e.unit === 'bytes';
    return { reason: (e as Error).message, ...(memory ? { overBudget: e } : {}) };
  }
}

/**
 * No run is collapsed into a conv that costs more multiply-adds than its nodes: `core` checks it
 * on shapes before building the kernel (a dilated conv followed by another could otherwise build
 * a kernel of gigabytes first), and {@link tryCollapse} again at the probe's input size.
 */
const COST_RULE = { maxCostRatio: 1 } as const;

/**
 * `core`'s collapse, exact at every input size when it can be; otherwise (branches whose output
 * sizes agree only at some sizes, say stride-2 branches padded differently) exact at the
 * region's probe input size `[h, w]`, unless a graph input has dynamic spatial dims.
 */
function collapseAtSize(
  ctx: PassContext,
  expr: Expr,
  size: readonly [number, number],
): { conv: Conv; inputSize?: readonly [number, number] } | { reason: string } {
  try {
    return { conv: collapse(expr, { ...ctx.collapseOptions, ...COST_RULE }) };
  } catch (e) {
    if (!(e instanceof NotEquivalentError)) throw e;
    let conv: Conv;
    try {
      conv = collapse(expr, { ...ctx.collapseOptions, ...COST_RULE, inputSize: size });
    } catch (atSize) {
      if (atSize instanceof BudgetError && atSize.unit === 'bytes') throw atSize;
      return { reason: e.message };
    }
    if (ctx.dynamicSizeInputs.length === 0) return { conv, inputSize: size };
    const inputs = ctx.dynamicSizeInputs;
    const names = inputs.map((n) => `'${n}'`).join(', ');
    const which = inputs.length > 1 ? `inputs ${names} have` : `input ${names} has`;
    return {
      reason: `${e.message}; they agree at this input size (${size.join('x')}) only, but the graph ${which} dynamic spatial dims, and one conv would be wrong at other sizes`,
    };
  }
}
