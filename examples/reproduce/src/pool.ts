/** Runs planned runs on worker processes, one run per worker at a time, in plan order. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from './messages.js';
import type { RunResult, RunSpec } from './run.js';
import type { RunKey } from './store.js';

/** A run to do: its key, its spec, its training steps, and the run it waits for, if any. */
export interface Planned {
  key: RunKey;
  spec: RunSpec;
  steps: number;
  after?: RunKey;
}

/** What the pool reports. */
export interface PoolEvents {
  onStart(worker: number, run: Planned): void;
  onStep(worker: number, run: Planned, m: Extract<FromWorker, { type: 'step' }>): void;
  onDone(worker: number, run: Planned, result: RunResult): void;
  onFailed(worker: number, run: Planned, message: string): void;
  /** A run cut short by `stop()`: not a failure, it is simply run again next time. */
  onInterrupted(worker: number, run: Planned): void;
}

const sameKey = (a: RunKey, b: RunKey): boolean =>
  a.arch === b.arch && a.method === b.method && a.seed === b.seed;

/**
 * Runs `plan` on `jobs` worker processes. A run with `after` waits until that run is finished
 * (`isFinished`) or no longer planned; a failed run is reported and the others go on. Resolves
 * when every run has finished or failed. `workerScript` defaults to `worker.ts` beside this file.
 */
export function runPool(
  plan: readonly Planned[],
  jobs: number,
  isFinished: (key: RunKey) => boolean,
  events: PoolEvents,
  workerScript = fileURLToPath(new URL('./worker.ts', import.meta.url)),
): { done: Promise<void>; stop: () => void } {
  const queue = [...plan];
  const running = new Map<ChildProcess, { id: number; run: Planned | undefined }>();
  let nextId = 1;
  let stopped = false;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));

  const runnable = (): Planned | undefined => {
    const busy = [...running.values()].map((w) => w.run).filter((r) => r !== undefined);
    const waiting = (r: Planned): boolean =>
      r.after !== undefined &&
      !isFinished(r.after) &&
      (queue.some((q) => sameKey(q.key, r.after!)) || busy.some((b) => sameKey(b.key, r.after!)));
    const i = queue.findIndex((r) => !waiting(r));
    return i < 0 ? undefined : queue.splice(i, 1)[0];
  };

  const busy = (): number => [...running.values()].filter((w) => w.run !== undefined).length;

  const dispatch = (): void => {
    for (const [child, w] of running) {
      if (w.run !== undefined || !child.connected || stopped) continue;
      const run = runnable();
      if (run === undefined) break;
      w.run = run;
      events.onStart(w.id, run);
      child.send({ type: 'run', spec: run.spec } satisfies ToWorker);
    }
    if ((queue.length === 0 || stopped) && busy() === 0) {
      for (const child of running.keys()) if (child.connected) child.disconnect();
      running.clear();
      resolve();
    }
  };

  const spawn = (): void => {
    const child = fork(workerScript, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const w = { id: nextId++, run: undefined as Planned | undefined };
    running.set(child, w);
    child.on('message', (m: FromWorker) => {
      if (m.type === 'ready') dispatch();
      else if (w.run === undefined) return;
      else if (m.type === 'step') events.onStep(w.id, w.run, m);
      else {
        const run = w.run;
        w.run = undefined;
        if (m.type === 'done') events.onDone(w.id, run, m.result);
        else events.onFailed(w.id, run, m.message);
        dispatch();
      }
    });
    child.on('exit', (code, signal) => {
      if (!running.has(child)) return;
      running.delete(child);
      if (w.run !== undefined && stopped) events.onInterrupted(w.id, w.run);
      else if (w.run !== undefined)
        events.onFailed(w.id, w.run, `worker exited (${signal ?? `code ${code}`}) during the run`);
      w.run = undefined;
      if (!stopped && queue.length > 0) spawn();
      dispatch();
    });
  };

  for (let i = 0; i < Math.min(jobs, queue.length); i++) spawn();
  if (queue.length === 0) resolve();
  return {
    done,
    stop: () => {
      stopped = true;
      for (const child of running.keys()) child.kill('SIGTERM');
    },
  };
}
