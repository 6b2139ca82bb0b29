import type { ModelProto } from './proto.js';
import { difference, type Difference } from './compare.js';
import { withFallback } from './engine-fallback.js';
import {
  openSession,
  type DenseTensor,
  type Engine,
  type ModelSession,
  type RunOptions,
} from './ort-run.js';
import { inputFeeds } from './feeds.js';
import { inputDims, type InputShapes } from './probe.js';
import { UsageError } from './errors.js';
import { withOutputs } from './pass-probe.js';

/** Options of {@link verifyModels}. */
export interface VerifyOptions extends RunOptions {
  /** Relative tolerance: max |a - b| <= tolerance * max |a| per output (default 1e-5). */
  tolerance?: number;
  /** Shapes for dynamic input dims. */
  shapes?: InputShapes;
  /** Input values used in every sample (the others are random per sample). */
  inputs?: Readonly<Record<string, DenseTensor>>;
  /** Seed of the first random sample (default 1). */
  seed?: number;
  /** Number of random samples (default 2). */
  samples?: number;
  /** Extra tensors, present in both models, to compare as well (e.g. region outputs). */
  intermediates?: readonly string[];
  /** Values of the reference model on the first sample, when already computed (all compared tensors, or it runs again). */
  referenceFirst?: ReadonlyMap<string, DenseTensor>;
  /**
   * An open session of the reference model exposing every compared tensor (the probe's), used
   * instead of opening another. The caller releases it, unless `releaseReference` says
   * verifyModels may release it as soon as the reference has run.
   */
  referenceSession?: ModelSession;
  /**
   * Release `referenceSession` once the reference has run on every sample, before the candidate
   * is loaded: onnxruntime-web's heap then holds one model at a time, never both (its release
   * must be safe to call again).
   */
  releaseReference?: boolean;
  /** The candidate's own encoding, when at hand: the compared tensors are appended as outputs. */
  candidateBytes?: Uint8Array;
  /** Graph outputs not compared (they depend on random operators). */
  unchecked?: readonly string[];
  /** Intermediates that must be within the tolerance too (changed tensors no compared output depends on). */
  checked?: readonly string[];
}

/** Result of {@link verifyModels}: the worst output over all samples. */
export interface VerifyResult {
  readonly ok: boolean;
  readonly tolerance: number;
  /** Worst difference per graph output. */
  readonly outputs: readonly Difference[];
  /** Worst difference per requested intermediate tensor. */
  readonly intermediates: readonly Difference[];
  /** The worst of the compared outputs and the `checked` intermediates. */
  readonly worst: Difference;
  /** Graph outputs left out because they depend on random operators. */
  readonly unchecked: readonly string[];
  /** The runtime that ran both models. */
  readonly engine: string;
}

/**
 * Runs `reference` and `candidate` in onnxruntime-web (onnxruntime-node when onnxruntime-web
 * cannot run them and it is installed) on the same inputs (given, or seeded random) and compares
 * every graph output of `reference` (the candidate must have the same names).
 */
export async function verifyModels(
  reference: ModelProto,
  candidate: ModelProto,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const { value } = await withFallback(options, (engine) =>
    compare(reference, candidate, { ...options, engine }),
  );
  return value;
}

async function compare(
  reference: ModelProto,
  candidate: ModelProto,
  options: VerifyOptions & { engine: Engine },
): Promise<VerifyResult> {
  const tolerance = options.tolerance ?? 1e-5;
  const given = Object.keys(options.inputs ?? {}).length;
  const free = inputDims(reference, options.shapes, options.inputs).size - given;
  const unchecked = new Set(options.unchecked ?? []);
  const all = reference.graph!.output.map((o) => o.name ?? '');
  const outputs = all.filter((n) => !unchecked.has(n));
  const checked = options.checked ?? [];
  if (outputs.length + checked.length === 0)
    throw new UsageError(
      `verifyModels: every output depends on random operators (${[...unchecked].join(', ')}), so no output can be compared`,
    );
  const names = [...new Set([...outputs, ...checked, ...(options.intermediates ?? [])])];
  // with every input given, all samples would be the same
  const samples = free === 0 ? 1 : (options.samples ?? 2);
  const first = options.referenceFirst;
  const firstKnown = first !== undefined && names.every((n) => first.has(n));
  const needReference = samples > (firstKnown ? 1 : 0);
  const own = needReference && options.referenceSession === undefined;
  const declared = new Set(reference.graph!.output.map((o) => o.name ?? ''));
  const refSession = own
    ? await openSession(
        withOutputs(
          reference,
          names.filter((n) => !declared.has(n)),
        ),
        options,
        true,
      )
    : options.referenceSession;
  const worst = new Map<string, Difference>();
  const feeds = Array.from({ length: samples }, (_, s) =>
    inputFeeds(reference, { ...options, seed: (options.seed ?? 1) + s }),
  );
  // the reference runs first, so that its session is gone before the candidate's is loaded
  const references: ReadonlyMap<string, DenseTensor>[] = [];
  try {
    for (let s = 0; s < samples; s++)
      references.push(s === 0 && firstKnown ? first : await refSession!.run(feeds[s], names));
  } finally {
    if (own || options.releaseReference === true) await refSession?.release();
  }
  const have = new Set(candidate.graph!.output.map((o) => o.name ?? ''));
  const extra = names.filter((n) => !have.has(n));
  const bytes = withOutputs(candidate, extra, options.candidateBytes);
  const candSession = await openSession(bytes, options, bytes !== options.candidateBytes);
  try {
    for (let s = 0; s < samples; s++) {
      const got = await candSession.run(feeds[s], names);
      for (const name of names) {
        const d = difference(name, references[s].get(name)!, got.get(name)!);
        const prev = worst.get(name);
        if (prev === undefined || !(d.relative <= prev.relative)) worst.set(name, d);
      }
    }
  } finally {
    await candSession.release();
  }
  const outs = outputs.map((n) => worst.get(n)!);
  const judged = [...outs, ...checked.map((n) => worst.get(n)!)];
  const top = judged.reduce((a, b) =>
    b.relative > a.relative || Number.isNaN(b.relative) ? b : a,
  );
  return {
    ok: judged.every((d) => d.relative <= tolerance),
    tolerance,
    outputs: outs,
    intermediates: (options.intermediates ?? []).map((n) => worst.get(n)!),
    worst: top,
    unchecked: all.filter((n) => unchecked.has(n)),
    engine: options.engine,
  };
}
