import type { PassContext } from './context.js';
import { nodeLabel, nodeReads } from './graph.js';
import { statusOf, type RegionReport, type Rewrite } from './plan.js';
import type { GraphProto } from './proto.js';
import { rewriteGraph } from './rewrite.js';

/**
 * Applies the rewrites; a rewrite that removes a tensor some surviving node still reads (an
 * intermediate used outside its region) is withdrawn and its segment reported as kept. Regions
 * whose nodes are all dead afterwards (index arithmetic of a collapsed pad, unused branches) are
 * dropped from the report.
 */
export function applyRewrites(
  ctx: PassContext,
  rewrites: readonly Rewrite[],
  reports: readonly RegionReport[],
): { graph: GraphProto; reports: RegionReport[] } {
  let active = [...rewrites];
  const out = reports.map((r) => ({ ...r, segments: [...r.segments] }));
  for (;;) {
    const graph = rewriteGraph(ctx, active);
    const defined = new Set<string>([
      ...graph.input.map((v) => v.name ?? ''),
      ...graph.initializer.map((t) => t.name ?? ''),
      ...graph.node.flatMap((n) => n.output),
    ]);
    const dangling = graph.node.flatMap((n, i) =>
      nodeReads(n)
        .filter((x) => !defined.has(x))
        .map((x) => ({ x, reader: nodeLabel(n, i) })),
    );
    if (dangling.length === 0) {
      // Regions in dead code (nothing reaches a graph output) vanish with the clean-up.
      const alive = new Set(graph.node.map((n) => n.name));
      const produced = new Set(graph.node.flatMap((n) => n.output));
      const kept = out.filter(
        (r) => produced.has(r.output) || r.nodes.some((name) => alive.has(name)),
      );
      return { graph, reports: kept.map((r) => ({ ...r, status: statusOf(r.segments) })) };
    }
    const { x, reader } = dangling[0];
    const p = ctx.index.producer.get(x);
    const culprit = active.find((r) => p !== undefined && r.nodes.includes(p));
    if (culprit === undefined)
      throw new Error(
        `applyRewrites: '${x}' read by ${reader} vanished without a rewrite removing it`,
      );
    active = active.filter((r) => r !== culprit);
    const seg = out[culprit.region].segments[culprit.segment];
    out[culprit.region].segments[culprit.segment] = {
      from: seg.from,
      to: seg.to,
      nodes: seg.nodes,
      collapsed: false,
      reason: `its tensor '${x}' is also read by ${reader} outside the region`,
    };
  }
}
