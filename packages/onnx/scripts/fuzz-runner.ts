/**
 * The fuzz script's long-lived worker process (started by `fuzz.ts` with IPC): runs the cases of
 * seeds `from` to `to - 1` one after another in this one process, reporting each start and end,
 * so the supervisor can tell a hang, a crash or a memory blow-up and name its seed.
 * onnxruntime's worker threads stay up between cases (a session held open on each engine), so
 * no case pays for starting onnxruntime again.
 */
import { readFileSync } from 'node:fs';
import { openSession, type ModelSession } from '../src/ort-run.js';
import { encodeModel } from '../src/proto.js';
import { categoryOf, runCase, RUN_TIMEOUT_MS } from './fuzz-cases.js';
import { fuzzModel } from './fuzz-models.js';

/** A message to the supervisor. */
export type RunnerMessage =
  | { type: 'start'; seed: number }
  | { type: 'end'; seed: number; category: string; outcome: string; ms: number; failure?: string }
  | { type: 'done'; cpuMs: number };

const send = (m: RunnerMessage) =>
  new Promise<void>((resolve) => process.send!(m, undefined, {}, () => resolve()));

/** Keeps a worker of each engine alive: a session open on it (re-opened after a time limit killed it). */
async function holdWorkers(): Promise<ModelSession[]> {
  const tiny = encodeModel(fuzzModel(1).model);
  return Promise.all(
    (['onnxruntime-web', 'onnxruntime-node'] as const).map((engine) =>
      openSession(tiny, { engine, timeoutMs: RUN_TIMEOUT_MS }),
    ),
  );
}

/** CPU time of this process and of its children that ended (signal cases), from /proc. */
function cpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // utime, stime, cutime, cstime are fields 14-17 (1-based); the split dropped fields 1-2
  const ticks = [11, 12, 13, 14].reduce((a, k) => a + Number(fields[k]), 0);
  return ticks * 10; // USER_HZ is 100 on Linux
}

const [from, to] = process.argv.slice(2).map(Number);
const bin = process.env.REPARAM_FUZZ_BIN ?? '';
let held = await holdWorkers();
for (let seed = from; seed < to; seed++) {
  await send({ type: 'start', seed });
  const t0 = performance.now();
  let outcome: string;
  let failure: string | undefined;
  try {
    outcome = await runCase(seed, bin);
  } catch (e) {
    failure = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 600);
    outcome = `FAILURE ${(e as Error).name}`;
  }
  const ms = Math.round(performance.now() - t0);
  if (failure !== undefined || outcome.includes('time limit')) {
    await Promise.all(held.map((s) => s.release()));
    held = await holdWorkers();
  }
  await send({ type: 'end', seed, category: categoryOf(seed), outcome, ms, failure });
}
await Promise.all(held.map((s) => s.release()));
await send({ type: 'done', cpuMs: cpuMs() });
process.exit(0);
