/**
 * Fuzzes parse + convert + verify with byte-mutated and structurally mutated fixtures and random
 * bytes (not part of the tests).
 * Every case must end in a conversion or a named error (OnnxFormatError, UsageError,
 * VerificationError), within a time limit.
 *   pnpm fuzz [cases=5000] [firstSeed=1]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fuzzOne, mutate, mutateModel } from '../src/_internal/fuzz.js';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith('.onnx') && !f.startsWith('dbb'))
  .map((f) => readFileSync(dir + f));
const cases = Number(process.argv[2] ?? 5000);
const first = Number(process.argv[3] ?? 1);
const outcomes = new Map<string, number>();
let slowest = 0;
const start = Date.now();
for (let seed = first; seed < first + cases; seed++) {
  const base = seeds[seed % seeds.length];
  const t0 = Date.now();
  let outcome: string;
  try {
    outcome = await fuzzOne(seed % 2 === 0 ? mutate(base, seed) : mutateModel(base, seed), 30_000);
  } catch (e) {
    console.error(`seed ${seed}: unexpected ${(e as Error).name}: ${(e as Error).message}`);
    outcome = `unexpected ${(e as Error).name}`;
  }
  if (outcome === 'VerificationError')
    console.log(`seed ${seed}: VerificationError (a wrong rewrite caught by verification)`);
  slowest = Math.max(slowest, Date.now() - t0);
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if ((seed - first) % 500 === 499)
    console.log(`${seed - first + 1} cases`, Object.fromEntries(outcomes));
}
console.log(
  `done: ${cases} cases in ${((Date.now() - start) / 1000).toFixed(1)} s, slowest ${slowest} ms`,
  Object.fromEntries(outcomes),
);
if ([...outcomes.keys()].some((k) => k.startsWith('unexpected'))) process.exitCode = 1;
