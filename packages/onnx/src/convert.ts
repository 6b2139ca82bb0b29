import { classifyTensors } from './classify.js';
import type { PassContext } from './context.js';
import { OnnxFormatError, VerificationError } from './errors.js';
import { indexGraph, nodeLabel } from './graph.js';
import { checkModel } from './model-io.js';
import { planRegions, splitKept, type RegionReport } from './plan.js';
import type { NotLinear } from './linear-ops.js';
import {
  dynamicSizeInputs,
  inputDims,
  probeModel,
  randomFeeds,
  type InputShapes,
} from './probe.js';
import type { ModelProto } from './proto.js';
import { findRegions } from './regions.js';
import { applyRewrites } from './apply.js';
import type { RunOptions } from './ort-run.js';
import { verifyModels, type VerifyResult } from './verify.js';

/** Ops whose iteration count comes from data: running them could take unbounded time. */
const LOOPS = new Set(['Loop', 'Scan', 'SequenceMap']);

/** Opsets of the default domain that the pass reads (ONNX 13 to 21). */
export const SUPPORTED_OPSETS = [13, 21] as const;

/** Options of {@link convertModel} and {@link analyzeModel}. */
export interface ConvertOptions extends RunOptions {
  /** Shapes for dynamic input dims, e.g. `{ x: [1, 3, 224, 224] }`. */
  shapes?: InputShapes;
  /** Verify the result with onnxruntime-web (default true). */
  verify?: boolean;
  /** Relative tolerance of the verification (default 1e-5). */
  tolerance?: number;
  /** Seed of the random inputs (default 1). */
  seed?: number;
  /** Random input samples compared by the verification (default 2). */
  samples?: number;
  /** Called with a stage name and a fraction done, for progress bars. */
  onProgress?: (stage: string, fraction: number) => void;
}

/** A node of a linear op type that stays because of `reason`. */
export interface Excluded {
  readonly node: string;
  readonly reason: string;
}

/** What {@link convertModel} did. */
export interface ConversionReport {
  readonly regions: readonly RegionReport[];
  readonly excluded: readonly Excluded[];
  readonly nodesBefore: number;
  readonly nodesAfter: number;
  readonly opsBefore: Readonly<Record<string, number>>;
  readonly opsAfter: Readonly<Record<string, number>>;
  /** Absent with `verify: false`. */
  readonly verification?: VerifyResult;
}

/** The probe context and regions of a model: what {@link convertModel} and `inspect` share. */
export async function analyzeModel(
  model: ModelProto,
  options: ConvertOptions = {},
): Promise<{
  ctx: PassContext;
  feeds: ReturnType<typeof randomFeeds>;
  scan: ReturnType<typeof findRegions>;
}> {
  checkModel(model);
  const loop = model.graph!.node.find((n) => LOOPS.has(n.opType ?? ''));
  if (loop !== undefined) {
    throw new OnnxFormatError(
      `analyzeModel: node ${loop.name ?? ''} is a ${loop.opType ?? ''}; models with loops are refused because running them (the probe and the verification) may not terminate`,
    );
  }
  const opset =
    model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < SUPPORTED_OPSETS[0] || opset > SUPPORTED_OPSETS[1]) {
    throw new OnnxFormatError(
      `analyzeModel: opset ${opset} of the default domain is outside ${SUPPORTED_OPSETS[0]}-${SUPPORTED_OPSETS[1]}; re-export with opset_version=17`,
    );
  }
  const index = indexGraph(model.graph!);
  const feeds = randomFeeds(inputDims(model, options.shapes), options.seed ?? 1);
  options.onProgress?.('probe', 0);
  const values = await probeModel(model, feeds, options);
  const ctx: PassContext = {
    index,
    kinds: classifyTensors(index),
    values,
    dynamicSizeInputs: dynamicSizeInputs(model),
  };
  options.onProgress?.('regions', 0.3);
  return { ctx, feeds, scan: findRegions(ctx) };
}

/**
 * Collapses every maximal linear region of a training-form model into one Conv with bias,
 * using `core` for all the algebra, and verifies the result against the original on seeded
 * random inputs with onnxruntime-web. Throws {@link VerificationError} (naming the worst
 * output and region) when the outputs differ by more than the tolerance.
 */
export async function convertModel(
  model: ModelProto,
  options: ConvertOptions = {},
): Promise<{ model: ModelProto; report: ConversionReport }> {
  const analysis = await analyzeModel(model, options);
  const { ctx } = analysis;
  let scan = analysis.scan;
  const onRegion = (done: number, total: number) =>
    options.onProgress?.('collapse', 0.3 + (0.2 * done) / Math.max(total, 1));
  let plan = planRegions(ctx, scan.regions, onRegion);
  const splits: NotLinear[] = [];
  for (let round = 0; round < 4; round++) {
    const more = splitKept(ctx, scan.regions, plan.reports);
    if (more.length === 0) break;
    splits.push(...more);
    scan = findRegions(ctx, splits);
    plan = planRegions(ctx, scan.regions, onRegion);
  }
  options.onProgress?.('rewrite', 0.5);
  const applied = applyRewrites(ctx, plan.rewrites, plan.reports);
  const { graph } = applied;
  const produced = new Set(graph.node.flatMap((n) => n.output));
  const rewrites = plan.rewrites.filter(
    (r) =>
      produced.has(r.to) &&
      applied.reports.find((rep) => rep.id === r.region)?.segments[r.segment]?.collapsed === true,
  );
  // A lone Conv is not a block: leave it out of the report; number the rest in graph order.
  const shown = applied.reports.filter(
    (r) =>
      !(
        r.status === 'kept' &&
        r.nodes.length === 1 &&
        r.segments[0]?.reason === 'already a single convolution'
      ),
  );
  const renumber = new Map(shown.map((r, k) => [r.id, k]));
  const reports: RegionReport[] = shown.map((r, k) => ({ ...r, id: k }));
  const converted: ModelProto = { ...model, graph };
  checkModel(converted);
  const base = {
    regions: reports,
    excluded: scan.excluded.map((e) => ({
      node: nodeLabel(ctx.index.graph.node[e.node], e.node),
      reason: e.reason,
    })),
    nodesBefore: model.graph!.node.length,
    nodesAfter: graph.node.length,
    opsBefore: countOps(model),
    opsAfter: countOps(converted),
  };
  if (options.verify === false) return { model: converted, report: base };
  options.onProgress?.('verify', 0.6);
  const outputs = [...new Set(rewrites.flatMap((r) => [r.from, r.to]))].filter(
    (t) => !ctx.index.inputs.has(t),
  );
  const verification = await verifyModels(model, converted, {
    ...options,
    intermediates: outputs,
    referenceFirst: ctx.values,
    seed: options.seed ?? 1,
  });
  options.onProgress?.('verify', 1);
  const report = { ...base, verification };
  if (!verification.ok) {
    // Errors propagate downstream, so blame the first collapsed region (in graph order) whose own
    // output is already off; if none is, the difference grows in nodes that were not changed.
    const off = new Map(verification.intermediates.map((d) => [d.name, d]));
    const fine = (t: string) => !(off.get(t)!.relative > verification.tolerance);
    const position = (t: string) => ctx.index.order.indexOf(ctx.index.producer.get(t) ?? -1);
    const culprit = [...rewrites]
      .sort((a, b) => position(a.to) - position(b.to))
      .find((r) => (ctx.index.inputs.has(r.from) || fine(r.from)) && !fine(r.to));
    const bad = culprit === undefined ? undefined : off.get(culprit.to);
    const region = culprit === undefined ? undefined : reports[renumber.get(culprit.region) ?? -1];
    const where =
      region === undefined
        ? '; each collapsed region matches given its own input; the difference grows in unchanged nodes (an ill-conditioned model?)'
        : `; first region off: ${region.id} (${region.kind}, ${region.input} -> ${region.output}) by ${bad!.relative.toExponential(2)}`;
    throw Object.assign(
      new VerificationError(
        `convertModel: output '${verification.worst.name}' differs by ${verification.worst.relative.toExponential(2)} x max|y| (tolerance ${verification.tolerance})${where}`,
        verification.worst.name,
        region === undefined ? undefined : `${region.id}`,
        verification.worst.relative,
      ),
      { report },
    );
  }
  return { model: converted, report };
}

function countOps(model: ModelProto): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of model.graph!.node) out[n.opType ?? ''] = (out[n.opType ?? ''] ?? 0) + 1;
  return out;
}
