/**
 * Fuzzes the converter and the CLI (not part of the tests):
 * - mutated fixtures and random bytes through parse + convert (kinds 0-3);
 * - generated hostile models (training-form blocks with NaN / Infinity / variance <= 0 / 1e30
 *   weights, shape-derived constants under dynamic dims, tensors read in nested If branches,
 *   broadcast activations), converted with and without verification (kinds 4-6);
 * - `reparam convert` on files: external data, FIFOs, hostile -o names (kinds 7-9), and every
 *   500th case the bin interrupted by SIGINT / SIGTERM.
 * A case must end in a conversion or a named error, within the time limit. Failures: a crash
 * (any other error), a hang, a converted model that does not load or disagrees with the original
 * at the conversion's size or a second size (silent wrong output), or a file left behind.
 *   nice -n 19 pnpm fuzz [cases=5000] [firstSeed=1]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { convertModel } from '../src/convert.js';
import {
  IoError,
  MemoryBudgetError,
  OnnxFormatError,
  UsageError,
  VerificationError,
} from '../src/errors.js';
import { parseModel } from '../src/model-io.js';
import { encodeModel } from '../src/proto.js';
import { fuzzOne, mutate, mutateModel } from '../src/_internal/fuzz.js';
import { cliCase, signalCase } from './fuzz-cli.js';
import { fuzzModel } from './fuzz-models.js';
import { disagreement } from './fuzz-oracle.js';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.onnx') && !f.startsWith('dbb'))
  .map((f) => readFileSync(dir + f));
const cases = Number(process.argv[2] ?? 5000);
const first = Number(process.argv[3] ?? 1);
const TIMEOUT_MS = 30_000;
const NAMED = [OnnxFormatError, UsageError, VerificationError, IoError, MemoryBudgetError];
const outcomes = new Map<string, number>();
const failures: string[] = [];
let slowest = 0;
const start = Date.now();

async function oneCase(seed: number): Promise<string> {
  const kind = seed % 10;
  if (kind < 4) {
    const base = fixtures[seed % fixtures.length];
    return fuzzOne(kind < 2 ? mutate(base, seed) : mutateModel(base, seed), TIMEOUT_MS);
  }
  const g = fuzzModel(seed);
  const sizes = [g.shapes, g.second];
  if (seed % 500 === 7) {
    const r = await signalCase(g.model, seed);
    if (r.failure) throw new Error(`signal case: ${r.failure}`);
    return `signal exit ${r.code}`;
  }
  if (kind >= 7) {
    const r = await cliCase(g.model, `x=${g.shapes.x.join('x')}`, seed);
    if (r.failure) throw new Error(`cli case (${g.kind}): ${r.failure}`);
    if (r.converted) {
      const wrong = await disagreement(g.model, r.converted, sizes, TIMEOUT_MS);
      if (wrong) throw new Error(`silent wrong output (cli, ${g.kind}): ${wrong}`);
    }
    return `cli exit ${r.code}`;
  }
  try {
    const { model } = await convertModel(parseModel(encodeModel(g.model)), {
      shapes: g.shapes,
      samples: 1,
      verify: kind !== 4,
      timeoutMs: TIMEOUT_MS,
    });
    const wrong = await disagreement(g.model, model, sizes, TIMEOUT_MS);
    if (wrong) throw new Error(`silent wrong output (${g.kind}): ${wrong}`);
    return `converted ${g.kind}`;
  } catch (e) {
    if (NAMED.some((k) => e instanceof k)) return (e as Error).name;
    throw e;
  }
}

function summary(done: number): string {
  return `${done} cases (seeds ${first}-${first + done - 1}) in ${((Date.now() - start) / 1000).toFixed(1)} s, slowest ${slowest} ms, ${failures.length} failures ${JSON.stringify(Object.fromEntries(outcomes))}`;
}
let done = 0;
// stopped early (Ctrl-C, kill): say how far it got
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    console.log(`stopped: ${summary(done)}`);
    process.exit(failures.length > 0 ? 1 : 130);
  });
for (let seed = first; seed < first + cases; seed++) {
  const t0 = Date.now();
  if (process.env.FUZZ_TRACE) console.log(`seed ${seed}`, new Date().toISOString().slice(11, 19));
  let outcome: string;
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no end after ${3 * TIMEOUT_MS} ms (a hang)`)),
        3 * TIMEOUT_MS,
      );
    });
    outcome = await Promise.race([oneCase(seed), hang]).finally(() => clearTimeout(timer));
  } catch (e) {
    const what = `seed ${seed}: ${(e as Error).name}: ${(e as Error).message}`.slice(0, 400);
    console.error(what);
    failures.push(what);
    outcome = `FAILURE ${(e as Error).name}`;
  }
  const ms = Date.now() - t0;
  slowest = Math.max(slowest, ms);
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  done++;
  if ((seed - first) % 10 === 9)
    console.log(
      `${seed - first + 1} cases, ${((Date.now() - start) / 1000).toFixed(0)} s`,
      JSON.stringify(Object.fromEntries(outcomes)),
    );
}
console.log(`done: ${summary(done)}`);
if (failures.length > 0) process.exitCode = 1;
