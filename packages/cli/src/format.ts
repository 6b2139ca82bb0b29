import type { ConversionReport, RegionReport, VerifyResult } from '@reparam/onnx';

const num = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : `${n}`;

/** Parameters and multiply-adds of a region's collapsed segments, before and after. */
export function regionSizes(r: RegionReport): {
  before: { params: number; macs: number };
  after: { params: number; macs: number };
} {
  const sum = (k: 'before' | 'after', f: 'params' | 'macs') =>
    r.segments.reduce((a, s) => a + (s[k]?.[f] ?? 0), 0);
  return {
    before: { params: sum('before', 'params'), macs: sum('before', 'macs') },
    after: { params: sum('after', 'params'), macs: sum('after', 'macs') },
  };
}

/**
 * One line per region: id, kind, status, tensors, sizes; then why parts were kept, and which
 * parts were merged for the model's fixed input size only.
 */
export function formatRegions(report: ConversionReport): string[] {
  const lines: string[] = [];
  for (const r of report.regions) {
    const s = regionSizes(r);
    const size =
      r.status === 'kept'
        ? ''
        : `  params ${num(s.before.params)} -> ${num(s.after.params)}, MACs ${num(s.before.macs)} -> ${num(s.after.macs)}`;
    lines.push(
      `region ${r.id} ${r.kind} (${r.nodes.length} nodes) ${r.status}: ${r.input} -> ${r.output}${size}${r.shapeDependent ? '  [pad indices read at the verification shape]' : ''}`,
    );
    for (const seg of r.segments) {
      if (!seg.collapsed) lines.push(`  kept ${seg.nodes.join(', ')}: ${seg.reason ?? ''}`);
      else if (seg.inputSize !== undefined)
        lines.push(
          `  merged for input ${seg.inputSize.join('x')} only: ${seg.nodes.join(', ')} (its branches agree in size only there; the model is exact at this spatial size)`,
        );
    }
  }
  for (const e of report.excluded) lines.push(`not linear: ${e.node}: ${e.reason}`);
  return lines;
}

/** Op counts before and after, for the op types that changed. */
export function formatOps(report: ConversionReport): string {
  const ops = new Set([...Object.keys(report.opsBefore), ...Object.keys(report.opsAfter)]);
  const changed = [...ops].filter((o) => (report.opsBefore[o] ?? 0) !== (report.opsAfter[o] ?? 0));
  return `nodes ${report.nodesBefore} -> ${report.nodesAfter}${changed.length ? `; ${changed.map((o) => `${o} ${report.opsBefore[o] ?? 0} -> ${report.opsAfter[o] ?? 0}`).join(', ')}` : ''}`;
}

/** The verification verdict in one line: engine, worst output, outputs left out as random. */
export function formatVerification(v: VerifyResult): string {
  const random =
    v.unchecked.length > 0
      ? `; not compared (random operators): ${v.unchecked.map((n) => `'${n}'`).join(', ')}`
      : '';
  return `${v.ok ? 'verified' : 'DIFFERENT'} by ${v.engine}: worst '${v.worst.name}' off by ${v.worst.relative.toExponential(2)} x max|y| (tolerance ${v.tolerance})${random}`;
}
