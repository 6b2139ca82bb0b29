/// <reference lib="webworker" />
// Converts a training-form ONNX model with @reparam/onnx (verification with onnxruntime-web
// included), off the page's thread.
import {
  convertModel,
  elementCount,
  parseModel,
  serializeModel,
  type ConversionReport,
  type ModelProto,
} from '@reparam/onnx';
import { serve } from '../lib/worker-host.js';
import type { ConvertResult, ConvertSummary } from '../lib/convert-types.js';

function params(model: ModelProto): number {
  return (model.graph?.initializer ?? []).reduce(
    (n, t) => n + elementCount((t.dims ?? []).map(Number), 'params'),
    0,
  );
}

function opCounts(model: ModelProto): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of model.graph?.node ?? [])
    out.set(n.opType ?? '', (out.get(n.opType ?? '') ?? 0) + 1);
  return out;
}

function regionMacs(report: ConversionReport): [number, number] {
  let before = 0;
  let after = 0;
  for (const r of report.regions)
    for (const s of r.segments) {
      if (s.before === undefined || s.after === undefined) continue;
      before += s.before.macs;
      after += s.after.macs;
    }
  return [before, after];
}

serve({
  async convert(p: { bytes: Uint8Array; name: string }, call) {
    const started = performance.now();
    call.progress('read', 0);
    const model = parseModel(p.bytes);
    const { model: deploy, report } = await convertModel(model, {
      onProgress: (stage, fraction) => call.progress(stage, fraction),
    });
    call.progress('write', 0.95);
    const out = serializeModel(deploy);
    const before = opCounts(model);
    const after = opCounts(deploy);
    const ops = [...new Set([...before.keys(), ...after.keys()])]
      .map((op): [string, number, number] => [op, before.get(op) ?? 0, after.get(op) ?? 0])
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const dims = model.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? [];
    const summary: ConvertSummary = {
      name: p.name,
      bytes: [p.bytes.byteLength, out.byteLength],
      nodes: [report.nodesBefore, report.nodesAfter],
      params: [params(model), params(deploy)],
      macs: regionMacs(report),
      ops,
      inputShape: dims.map((d) => Number(d.dimValue ?? 0)),
      millis: performance.now() - started,
    };
    const result: ConvertResult = { summary, report, deploy: out };
    return { result, transfer: [out.buffer] };
  },
});
