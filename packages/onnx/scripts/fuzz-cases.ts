/**
 * The fuzz script's categories, chosen by `seed % 200`, and one case of each. A case returns its
 * outcome (a conversion, a named refusal, an exit code) or throws a failure: an error that is
 * not a named one (a crash), a converted model that does not load or disagrees with the
 * original (a silent wrong output), an input file changed or a file left behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { convertModel, type ConvertOptions } from '../src/convert.js';
import {
  IoError,
  MemoryBudgetError,
  ModelTooLargeError,
  OnnxFormatError,
  UsageError,
  VerificationError,
} from '../src/errors.js';
import { parseModel } from '../src/model-io.js';
import { encodeModel, type ModelProto } from '../src/proto.js';
import { mutate, mutateModel } from '../src/_internal/fuzz.js';
import { cliCase, signalCase } from './fuzz-cli.js';
import { fuzzModel } from './fuzz-models.js';
import { disagreement, sizesOf, type Sizes } from './fuzz-oracle.js';

/** Categories and their share of the seeds (out of 200). */
export const CATEGORIES = [
  ['bytes', 36], // mutated or random bytes: parse + convert (verified), oracle when converted
  ['graph', 36], // structurally mutated fixtures: parse + convert (verified or not), oracle
  ['hostile', 50], // generated hostile models, converted without verification, oracle at two sizes
  ['hostile-verified', 50], // the same with verification; a refusal is checked by the oracle
  ['cli', 26], // `reparam convert` / `inspect` in-process on files
  ['signal', 2], // the bin as a child process, interrupted by SIGINT / SIGTERM
] as const;

export type Category = (typeof CATEGORIES)[number][0];

/** The category of `seed`. */
export function categoryOf(seed: number): Category {
  let slot = seed % 200;
  for (const [name, share] of CATEGORIES) {
    if (slot < share) return name;
    slot -= share;
  }
  throw new Error('unreachable: the shares add up to 200');
}

/** Time limit of one onnxruntime load or run inside a case. */
export const RUN_TIMEOUT_MS = 30_000;

const NAMED = [
  OnnxFormatError,
  UsageError,
  VerificationError,
  IoError,
  MemoryBudgetError,
  ModelTooLargeError,
];
const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
// the DBB fixtures (100-200 KB) make a case 10x slower; the generator makes DBB blocks instead
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.onnx') && !f.startsWith('dbb'))
  .sort()
  .map((f) => readFileSync(dir + f));

/** A named refusal's outcome label; anything else is rethrown (a crash). */
function refusal(e: unknown): string {
  if (!NAMED.some((k) => e instanceof k)) throw e;
  const error = e as Error;
  // a load or run stopped by the time limit: a named error, but worth its own count
  return /did not (load|run) within/.test(error.message)
    ? `${error.name} (time limit)`
    : error.name;
}

/** Converts, then checks the result against the original with the oracle. */
async function convertAndCheck(
  original: ModelProto,
  sizes: readonly Sizes[],
  seed: number,
  options: ConvertOptions,
  what: string,
): Promise<string> {
  const { model } = await convertModel(parseModel(encodeModel(original)), {
    shapes: sizes[0],
    samples: 1,
    timeoutMs: RUN_TIMEOUT_MS,
    maxMemory: 2 ** 30,
    ...options,
  });
  const verdict = await disagreement(original, model, sizes, seed);
  if (verdict.wrong !== undefined)
    throw new Error(`silent wrong output (${what}): ${verdict.wrong}`);
  if (verdict.compared === 0) return 'converted (oracle could not run the original)';
  if (verdict.overflowing > 0) return 'converted (differs where the original overflows inside)';
  return verdict.noisy > 0 ? "converted (within onnxruntime's float32 noise)" : 'converted';
}

/** Parse + convert of mutated bytes; a converted model goes through the oracle. */
async function mutatedCase(bytes: Uint8Array, seed: number, verify: boolean): Promise<string> {
  let original: ModelProto;
  try {
    original = parseModel(bytes);
  } catch (e) {
    return `${refusal(e)} (parse)`;
  }
  try {
    return await convertAndCheck(original, sizesOf(original) ?? [{}], seed, { verify }, 'mutated');
  } catch (e) {
    return refusal(e);
  }
}

/**
 * A generated model, converted with or without verification. A verification failure is judged
 * by the oracle on the unverified conversion: when that agrees, the refusal was a false alarm
 * (counted, not a failure); when it does not, `--no-verify` would have written a wrong model.
 */
async function hostileCase(seed: number, verify: boolean): Promise<string> {
  const g = fuzzModel(seed);
  const sizes = [g.shapes, g.second];
  try {
    return `${await convertAndCheck(g.model, sizes, seed, { verify }, g.kind)} ${g.kind}`;
  } catch (e) {
    if (!(e instanceof VerificationError)) return `${refusal(e)} ${g.kind}`;
    await convertAndCheck(
      g.model,
      sizes,
      seed,
      { verify: false },
      `${g.kind}, refused by verification`,
    );
    return `VerificationError (false alarm: the oracle agrees) ${g.kind}`;
  }
}

/** Runs the case of `seed`; `bin` is the bundled CLI for signal cases. */
export async function runCase(seed: number, bin: string): Promise<string> {
  const category = categoryOf(seed);
  const base = fixtures[seed % fixtures.length];
  switch (category) {
    case 'bytes':
      return mutatedCase(mutate(base, seed), seed, true);
    case 'graph':
      return mutatedCase(mutateModel(base, seed), seed, seed % 2 === 0);
    case 'hostile':
      return hostileCase(seed, false);
    case 'hostile-verified':
      return hostileCase(seed, true);
    case 'cli': {
      const g = fuzzModel(seed);
      const r = await cliCase(g.model, `x=${g.shapes.x.join('x')}`, seed);
      if (r.failure) throw new Error(`cli case (${r.command}, ${g.kind}): ${r.failure}`);
      if (r.converted) {
        const verdict = await disagreement(g.model, r.converted, [g.shapes, g.second], seed);
        if (verdict.wrong)
          throw new Error(`silent wrong output (cli, ${g.kind}): ${verdict.wrong}`);
        if (verdict.overflowing > 0) return `${r.command} exit ${r.code} (original overflows)`;
        if (verdict.noisy > 0) return `${r.command} exit ${r.code} (within float32 noise)`;
      }
      return `${r.command} exit ${r.code}`;
    }
    case 'signal': {
      const g = fuzzModel(seed);
      const r = await signalCase(g.model, `x=${g.shapes.x.join('x')}`, seed, bin);
      if (r.failure) throw new Error(`signal case (${r.command}): ${r.failure}`);
      return `${r.command} exit ${r.code}`;
    }
  }
}
