import { classifyTensors } from './classify.js';
import type { PassContext } from './context.js';
import { verificationFailure } from './blame.js';
import { OnnxFormatError, UsageError } from './errors.js';
import { withInitializerInputs } from './legacy-ir.js';
import { randomNodes, randomTensors, type RandomNode } from './random-ops.js';
import { prune } from './rewrite.js';
import { allNodes, indexGraph, nodeLabel } from './graph.js';
import { checkModel } from './model-bytes.js';
import { checkInlineSize, MAX_INLINE_BYTES } from './inline-limit.js';
import { checkRuns } from './run-check.js';
import { checkConversionBudget, DEFAULT_MAX_MEMORY } from './memory-budget.js';
import { checkedOpset } from './opset.js';
import { runFacts } from './opset-facts.js';
import { checkTargetOpset, upgradeOpset, upgradeReads } from './opset-upgrade.js';
import { planRegions, splitKept, type RegionReport, type Rewrite } from './plan.js';
import type { NotLinear } from './linear-ops.js';
import { inputFeeds } from './feeds.js';
import { dynamicSizeInputs, inputDims, type InputShapes } from './probe.js';
import { openProbe } from './pass-probe.js';
import { initializerValue } from './initializer-values.js';
import { encodeModel, type ModelProto } from './proto.js';
import { findRegions } from './regions.js';
import { applyRewrites } from './apply.js';
import type { DenseTensor, Engine, ModelSession, RunOptions } from './ort-run.js';
import { withFallback } from './engine-fallback.js';
import { verifyModels, type VerifyResult } from './verify.js';
import { stageLaps, type StageListener } from './stages.js';
import type { MatrixProduct } from '@reparam/core';

/** Ops whose iteration count comes from data: running them could take unbounded time. */
const LOOPS = new Set(['Loop', 'Scan', 'SequenceMap']);

/** Options of {@link convertModel} and {@link analyzeModel}. */
export interface ConvertOptions extends RunOptions {
  /** Shapes for dynamic input dims, e.g. `{ x: [1, 3, 224, 224] }`. */
  shapes?: InputShapes;
  /**
   * Input values for the probe and the verification (real images, valid indices); inputs not
   * given are random (see {@link inputFeeds}).
   */
  inputs?: Readonly<Record<string, DenseTensor>>;
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
  /**
   * Write the model at this newer opset of the default domain (default: its own), upgrading
   * the nodes whose operators changed form ({@link upgradeOpset}); verified like the rest.
   */
  opset?: number;
  /**
   * Bytes the conversion may use (default 4 GiB, onnxruntime-web's ceiling); what is known
   * before allocating is checked against it ({@link MemoryBudgetError}).
   */
  maxMemory?: number;
  /**
   * Cancels the conversion: checked between collapse attempts, which also let the event loop
   * run (a SIGINT handler acts within one merge); throws the signal's reason.
   */
  signal?: AbortSignal;
  /** Called at the end of each stage with its wall time (`reparam convert --profile`). */
  onStage?: StageListener;
  /**
   * The bytes `model` was parsed from, when they hold all its tensor data (no external data):
   * the probe appends its outputs to them instead of encoding the model again.
   */
  modelBytes?: Uint8Array;
  /**
   * The matrix product `core`'s `collapse` composes with (DBB's 1x1 -> KxK), e.g.
   * `@reparam/wasm`'s `wasmMatrixProduct`; default `core`'s float64 JavaScript product.
   */
  product?: MatrixProduct;
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
  /** The runtime that ran the model (probe and verification). */
  readonly engine: Engine;
  /** The threads it ran with (onnxruntime-web may run fewer than `threads` asked for). */
  readonly threads: number;
  /** Random operators: outputs depending on them are not compared. */
  readonly random: readonly RandomNode[];
  /** Graph outputs that depend on random operators. */
  readonly randomOutputs: readonly string[];
  /** The model's own opset of the default domain. */
  readonly opsetBefore: number;
  /** The opset of the default domain the model is written at. */
  readonly opset: number;
  /** Nodes rewritten to reach {@link opset} from the model's own (with `opset`). */
  readonly upgraded: readonly string[];
  /** Number of runs collapsed into one Conv each; 0: nothing to collapse, the model is unchanged but for dead nodes. */
  readonly collapsed: number;
  /** Absent with `verify: false` and when nothing was collapsed. */
  readonly verification?: VerifyResult;
}

/** The probe context and regions of a model: what {@link convertModel} and `inspect` share. */
export async function analyzeModel(
  model: ModelProto,
  options: ConvertOptions = {},
): Promise<{
  ctx: PassContext;
  feeds: Record<string, DenseTensor>;
  /** The runtime that ran the probe (onnxruntime-node when onnxruntime-web could not). */
  engine: Engine;
  scan: ReturnType<typeof findRegions>;
}> {
  const { probe, ...analysis } = await analyze(model, options);
  await probe.release();
  return analysis;
}

/** {@link analyzeModel}, with the probe's session still open (the caller releases it). */
async function analyze(
  model: ModelProto,
  options: ConvertOptions,
): Promise<{
  ctx: PassContext;
  feeds: Record<string, DenseTensor>;
  engine: Engine;
  scan: ReturnType<typeof findRegions>;
  probe: ModelSession;
}> {
  const lap = stageLaps(options.onStage);
  checkModel(model);
  checkInlineSize(model, 'analyzeModel', MAX_INLINE_BYTES);
  const loop = [...allNodes(model.graph!)].find((n) => LOOPS.has(n.opType ?? ''));
  if (loop !== undefined) {
    throw new OnnxFormatError(
      `analyzeModel: node ${loop.name ?? ''} is a ${loop.opType ?? ''}; models with loops (at any depth) are refused because running them (the probe and the verification) may not terminate`,
    );
  }
  const opset = checkedOpset(model, 'analyzeModel');
  const index = indexGraph(model.graph!);
  const budget = options.maxMemory ?? DEFAULT_MAX_MEMORY;
  const held = checkConversionBudget(
    model,
    inputDims(model, options.shapes, options.inputs),
    budget,
  );
  const feeds = inputFeeds(model, options);
  const kinds = classifyTensors(index);
  lap('check');
  options.onProgress?.('probe', 0);
  const probe = await withFallback(options, (engine) =>
    openProbe(model, index, kinds, feeds, {
      ...options,
      engine,
      alsoRead: options.opset === undefined ? undefined : upgradeReads(model, options.opset),
    }),
  ).catch((e: unknown) => {
    throw withShapeHint(e, model, feeds, options.shapes);
  });
  const { values, sizes } = probe.value;
  // the verification releases it early (before loading the converted model); convertModel again
  let released: Promise<void> | undefined;
  const session: ModelSession = {
    ...probe.value.session,
    release: () => (released ??= probe.value.session.release()),
  };
  lap('probe');
  try {
    const random = randomNodes(index, opset, (t) =>
      kinds.get(t) === 'const'
        ? (values.get(t) ?? initializerValue(index.initializers.get(t)))?.data[0]
        : undefined,
    );
    const ctx: PassContext = {
      index,
      kinds,
      values,
      sizes,
      dynamicSizeInputs: dynamicSizeInputs(model),
      opset,
      randomNodes: random.map((r) => r.random),
      random: randomTensors(
        index,
        random.map((r) => r.index),
      ),
      symbolicInputs: dynamicSizeInputs(model, 0),
      // one budget: each merge gets what the conversion's estimate leaves of it
      collapseOptions: {
        maxBytes: budget - held,
        ...(options.product === undefined ? {} : { product: options.product }),
      },
    };
    options.onProgress?.('regions', 0.3);
    const scan = findRegions(ctx);
    lap('regions');
    return { ctx, feeds, scan, probe: session, engine: probe.engine };
  } catch (e) {
    await session.release();
    throw e;
  }
}

/**
 * Collapses every maximal linear region of a training-form model into one Conv with bias,
 * using `core` for all the algebra, and verifies the result against the original on seeded
 * random inputs with onnxruntime-web. Throws {@link VerificationError} (naming the worst
 * output and region) when the outputs differ by more than the tolerance. Returns the converted
 * model, the report, and the model's encoding (what `writeModel` writes; pass it as `bytes`).
 */
export async function convertModel(
  model: ModelProto,
  options: ConvertOptions = {},
): Promise<{ model: ModelProto; report: ConversionReport; bytes: Uint8Array }> {
  if (options.opset !== undefined)
    checkTargetOpset(checkedOpset(model, 'convertModel'), options.opset, 'convertModel');
  const analysis = await analyze(model, options);
  try {
    return await convertAnalyzed(model, analysis, options);
  } finally {
    await analysis.probe.release();
  }
}

async function convertAnalyzed(
  model: ModelProto,
  analysis: Awaited<ReturnType<typeof analyze>>,
  options: ConvertOptions,
): Promise<{ model: ModelProto; report: ConversionReport; bytes: Uint8Array }> {
  const lap = stageLaps(options.onStage);
  const { ctx } = analysis;
  let scan = analysis.scan;
  const onRegion = (done: number, total: number) =>
    options.onProgress?.('collapse', 0.3 + (0.2 * done) / Math.max(total, 1));
  let plan = await planRegions(ctx, scan.regions, onRegion, options.signal);
  const splits: NotLinear[] = [];
  for (let round = 0; round < 4; round++) {
    const more = splitKept(ctx, scan.regions, plan.reports);
    if (more.length === 0) break;
    splits.push(...more);
    scan = findRegions(ctx, splits);
    plan = await planRegions(ctx, scan.regions, onRegion, options.signal);
  }
  lap('collapse');
  options.onProgress?.('rewrite', 0.5);
  const applied = applyRewrites(ctx, plan.rewrites, plan.reports);
  const produced = new Set(applied.graph.node.flatMap((n) => n.output));
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
  // Nothing to collapse: the model goes back as it came, less its dead nodes (no constant folding).
  const graph = rewrites.length === 0 ? prune(model.graph!) : applied.graph;
  const upgrade = upgradeOpset(
    withInitializerInputs({ ...model, graph }),
    options.opset ?? ctx.opset,
    {
      facts: runFacts(ctx.values),
    },
  );
  const converted = upgrade.model;
  checkModel(converted);
  const bytes = encodeModel(converted);
  lap('rewrite');
  const base = {
    regions: reports,
    excluded: scan.excluded.map((e) => ({
      node: nodeLabel(ctx.index.graph.node[e.node], e.node),
      reason: e.reason,
    })),
    engine: analysis.engine,
    threads: analysis.probe.threads,
    random: ctx.randomNodes,
    randomOutputs: [...ctx.index.outputs].filter((o) => ctx.random.has(o)),
    collapsed: rewrites.length,
    opsetBefore: upgrade.from,
    opset: upgrade.to,
    upgraded: upgrade.rewritten,
    nodesBefore: model.graph!.node.length,
    nodesAfter: graph.node.length,
    opsBefore: countOps(model),
    opsAfter: countOps(converted),
  };
  // Dead-node removal cannot change an output: only a model with collapsed regions or upgraded nodes is run again.
  if (options.verify === false || (rewrites.length === 0 && upgrade.rewritten.length === 0)) {
    await checkRuns(converted, analysis.feeds, { ...options, engine: analysis.engine }, bytes);
    lap('verify');
    return { model: converted, report: base, bytes };
  }
  options.onProgress?.('verify', 0.6);
  const verification = await verifyModels(model, converted, {
    ...options,
    ...comparedTensors(ctx, rewrites),
    referenceFirst: ctx.values,
    referenceSession: analysis.probe,
    releaseReference: true,
    candidateBytes: bytes,
    seed: options.seed ?? 1,
    engine: analysis.engine,
  }).catch((e: unknown) => {
    throw e instanceof UsageError
      ? new UsageError(
          `convertModel: ${e.message.replace(/^verifyModels: /, '')}; pass --no-verify (verify: false) to convert without verification`,
          { cause: e },
        )
      : e;
  });
  options.onProgress?.('verify', 1);
  lap('verify');
  const report = { ...base, verification };
  if (!verification.ok) {
    const regionOf = (r: Rewrite) => reports[renumber.get(r.region) ?? -1];
    throw Object.assign(verificationFailure(ctx, rewrites, regionOf, verification, upgrade), {
      report,
    });
  }
  return { model: converted, report, bytes };
}

/**
 * What the verification compares: graph outputs that depend on no random operator; the
 * collapsed regions' inputs and outputs (to blame one); and, as a criterion too, the output of
 * every collapsed region that no compared graph output depends on.
 */
function comparedTensors(
  ctx: PassContext,
  rewrites: readonly Rewrite[],
): { unchecked: string[]; intermediates: string[]; checked: string[] } {
  const outputs = [...ctx.index.outputs];
  const unchecked = outputs.filter((o) => ctx.random.has(o));
  const intermediates = [...new Set(rewrites.flatMap((r) => [r.from, r.to]))].filter(
    (t) => !ctx.index.inputs.has(t),
  );
  const reaching = upstreamOf(
    ctx,
    outputs.filter((o) => !ctx.random.has(o)),
  );
  const checked = rewrites.map((r) => r.to).filter((t) => !reaching.has(t));
  return { unchecked, intermediates, checked };
}

/** Every tensor that any of `tensors` is computed from (themselves included). */
function upstreamOf(ctx: PassContext, tensors: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...tensors];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    const p = ctx.index.producer.get(t);
    if (p !== undefined) stack.push(...ctx.index.graph.node[p].input.filter((x) => x !== ''));
  }
  return seen;
}

function countOps(model: ModelProto): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of model.graph!.node) out[n.opType ?? ''] = (out[n.opType ?? ''] ?? 0) + 1;
  return out;
}

/**
 * A probe that fails at sizes chosen for dynamic dims may only run at others (a model exported
 * with dynamic batch that reshapes to its export batch): the error says which sizes were used.
 */
function withShapeHint(
  e: unknown,
  model: ModelProto,
  feeds: Readonly<Record<string, DenseTensor>>,
  shapes: InputShapes = {},
): unknown {
  const chosen = dynamicSizeInputs(model, 0).filter((n) => feeds[n] !== undefined);
  if (!(e instanceof OnnxFormatError) || chosen.length === 0 || /within .* s;/.test(e.message))
    return e;
  const sizes = chosen.map((n) => `${n}=${feeds[n].dims.join('x')}`).join(' ');
  const how = chosen.every((n) => shapes[n] !== undefined) ? 'as --shape gave them' : 'as given';
  return new OnnxFormatError(
    `${e.message}; the model ran with ${sizes} (${how}, for its dynamic dims): it may run at other sizes only, e.g. the batch size it was exported with; pass another --shape`,
    { cause: e },
  );
}
