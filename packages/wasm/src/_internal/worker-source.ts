/**
 * Control block (Int32, shared by pool.ts and the workers): [0] wake sequence, [1] chunks done,
 * [2] kernel index (-1 = stop), [3] argument count, [4] lo, [5] hi, [6] chunks, [7] error flag,
 * [8..] arguments, [CLAIM] the claim word: job number << 8 | next unclaimed chunk.
 *
 * A job's range is cut into `chunks` pieces that every thread, the caller included, claims one
 * at a time (compare-exchange on the claim word). A worker that wakes late finds the chunks
 * taken and does nothing: the caller never waits for a thread that has not started (a busy
 * co-tenant core would otherwise stall every call), and the faster thread does more.
 */
export const CLAIM = 63;

/** A claim word whose chunk field admits no chunk: written while a job's parameters change. */
export const CLOSED = 255;

/**
 * Claims the next chunk of job `job`, or returns -1 when its chunks are all taken or another job
 * replaced it. Must not close over anything (its source text is part of the workers').
 */
export function claimChunk(ctl: Int32Array, job: number): number {
  // 63 is CLAIM, 6 the chunk count (constants would be outside the workers' source text).
  for (;;) {
    const word = Atomics.load(ctl, 63);
    const next = word & 255;
    if (word >>> 8 !== job || next >= ctl[6]) return -1;
    if (Atomics.compareExchange(ctl, 63, word, word + 1) === word) return next;
  }
}

/** Items [from, to) of chunk `c` of `chunks` over [lo, hi). */
export function chunkRange(lo: number, hi: number, c: number, chunks: number): [number, number] {
  return [
    lo + Math.floor(((hi - lo) * c) / chunks),
    lo + Math.floor(((hi - lo) * (c + 1)) / chunks),
  ];
}

/**
 * The body of a kernel worker, turned into source text (so that it runs the same from TypeScript
 * sources, dist, Node worker_threads and browser Web Workers, without a separate file to resolve).
 * It must not close over anything but {@link claimChunk} and {@link chunkRange} (prepended to its
 * text): everything else arrives in its first message.
 */
function workerMain(
  listen: (handler: (data: WorkerInit) => void) => void,
  reply: (message: string) => void,
): void {
  listen((init) => {
    void WebAssembly.instantiate(init.module, { env: { memory: init.memory } }).then((instance) => {
      const ctl = new Int32Array(init.memory.buffer, init.control, 64);
      const fns = init.names.map((n) => instance.exports[n] as (...a: number[]) => void);
      // Read the sequence before announcing readiness: the first job may follow at once.
      let seen = Atomics.load(ctl, 0);
      reply('ready');
      for (;;) {
        // Poll up to spinMs for the next job (a sleeping worker takes ~0.3 ms to wake), then sleep.
        const until = performance.now() + init.spinMs;
        while (Atomics.load(ctl, 0) === seen && performance.now() < until);
        Atomics.wait(ctl, 0, seen);
        seen = Atomics.load(ctl, 0);
        if (Atomics.load(ctl, 2) < 0) break;
        const job = Atomics.load(ctl, 63) >>> 8;
        for (let c = claimChunk(ctl, job); c >= 0; c = claimChunk(ctl, job)) {
          // The parameters stay put until this chunk is counted done.
          const args: number[] = [];
          for (let i = 0; i < ctl[3]; i++) args.push(ctl[8 + i]);
          const [a, b] = chunkRange(ctl[4], ctl[5], c, ctl[6]);
          try {
            fns[ctl[2]](...args, a, b);
          } catch {
            Atomics.store(ctl, 7, 1);
          }
          Atomics.add(ctl, 1, 1);
          Atomics.notify(ctl, 1);
        }
      }
    });
  });
}

/** First message to a worker. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  index: number;
  names: string[];
  /** How long an idle worker polls for the next job before sleeping, in ms. */
  spinMs: number;
}

// Transpilers (esbuild's keepNames, used by tsx and vitest) may wrap functions in __name().
const PRELUDE = `var __name = (f) => f;\n${claimChunk.toString()}\n${chunkRange.toString()}\n`;

/** Worker source for Node's `new Worker(source, { eval: true })`. */
export function nodeWorkerSource(): string {
  return (
    PRELUDE +
    `const { parentPort } = require('node:worker_threads');\n` +
    `(${workerMain.toString()})(` +
    `(h) => parentPort.once('message', h), (m) => parentPort.postMessage(m));\n`
  );
}

/** Worker source for a browser Web Worker (as a Blob URL). */
export function webWorkerSource(): string {
  return (
    PRELUDE +
    `(${workerMain.toString()})(` +
    `(h) => { self.onmessage = (e) => { self.onmessage = null; h(e.data); }; }, ` +
    `(m) => self.postMessage(m));\n`
  );
}
