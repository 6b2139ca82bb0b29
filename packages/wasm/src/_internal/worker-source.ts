/**
 * The body of a kernel worker, turned into source text (so that it runs the same from TypeScript
 * sources, dist, Node worker_threads and browser Web Workers, without a separate file to resolve).
 * It must not close over anything: everything it needs arrives in its first message.
 *
 * Control block (Int32, see pool.ts): [0] job sequence, [1] workers done, [2] kernel index
 * (-1 = stop), [3] argument count, [4] lo, [5] hi, [6] threads, [7] error flag, [8..] arguments.
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
        const kernel = Atomics.load(ctl, 2);
        if (kernel < 0) break;
        const args: number[] = [];
        for (let i = 0; i < ctl[3]; i++) args.push(ctl[8 + i]);
        const lo = ctl[4],
          hi = ctl[5],
          threads = ctl[6];
        const t = init.index;
        const a = lo + Math.floor(((hi - lo) * t) / threads);
        const b = lo + Math.floor(((hi - lo) * (t + 1)) / threads);
        try {
          if (b > a) fns[kernel](...args, a, b);
        } catch {
          Atomics.store(ctl, 7, 1);
        }
        Atomics.add(ctl, 1, 1);
        Atomics.notify(ctl, 1);
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
const PRELUDE = 'var __name = (f) => f;\n';

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
