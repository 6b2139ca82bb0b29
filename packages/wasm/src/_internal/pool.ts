import { WasmLoadError } from '../errors.js';
import { callKernel, type Executor } from './executor.js';
import { KERNEL_NAMES, type KernelExports } from './exports.js';
import type { Heap } from './heap.js';
import { nodeWorkerSource, webWorkerSource, type WorkerInit } from './worker-source.js';

/** Something that can be stopped: the workers of a pool. */
export interface Stoppable {
  stop(): void;
}

interface AnyWorker {
  postMessage(message: WorkerInit): void;
  terminate(): unknown;
}

/** A job that takes longer than this means a lost worker: fail instead of hanging. */
const STALL_MS = 120_000;

/**
 * Idle workers poll this long before sleeping: the jobs of one run follow each other closely, and
 * waking a sleeping worker is slow in Chromium. At 0.5 ms the web app's 2-thread run of a small
 * deploy model took 16.5 ms in 2 of 3 page loads (0.35-0.9 ms at 1 thread); at 5 ms, 0.40-0.69 ms
 * in 6 of 6.
 */
const SPIN_MS = 5;

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function spawn(): Promise<{ worker: AnyWorker; ready: Promise<void> }> {
  if (isNode) {
    const { startNodeWorker } = await import('#node-io');
    const worker = startNodeWorker(nodeWorkerSource());
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return { worker, ready };
  }
  const url = URL.createObjectURL(new Blob([webWorkerSource()], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => reject(new Error(e.message));
  });
  return { worker, ready };
}

/**
 * A pool of `threads - 1` workers sharing `heap`'s memory; the calling thread is thread 0.
 * Each `run` publishes one job in a control block, does its own slice, then waits (Atomics.wait
 * in Node; a spin in browsers, whose main thread may not block) for the others' slices.
 */
export async function threadPool(
  module: WebAssembly.Module,
  heap: Heap,
  threads: number,
): Promise<Executor & Stoppable> {
  const control = heap.alloc(64);
  const ctl = new Int32Array(heap.memory.buffer, control, 64);
  const names = [...KERNEL_NAMES];
  const workers: AnyWorker[] = [];
  try {
    for (let index = 1; index < threads; index++) {
      const { worker, ready } = await spawn();
      workers.push(worker);
      worker.postMessage({ module, memory: heap.memory, control, index, names, spinMs: SPIN_MS });
      await ready;
    }
  } catch (cause) {
    for (const w of workers) void w.terminate();
    throw new WasmLoadError(
      `threadPool: could not start ${threads - 1} workers (${String(cause)})`,
      { cause },
    );
  }
  const kernels: KernelExports = heap.kernels;
  const blockingWait = isNode;
  return {
    threads,
    run(name, args, lo, hi) {
      const kernel = names.indexOf(name);
      ctl[2] = kernel;
      ctl[3] = args.length;
      for (let i = 0; i < args.length; i++) ctl[8 + i] = args[i];
      ctl[4] = lo;
      ctl[5] = hi;
      ctl[6] = threads;
      Atomics.store(ctl, 1, 0);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      const mine = lo + Math.floor((hi - lo) / threads);
      if (mine > lo) callKernel(kernels, name, args, lo, mine);
      const started = Date.now();
      for (let done = Atomics.load(ctl, 1); done < threads - 1; done = Atomics.load(ctl, 1)) {
        if (blockingWait) Atomics.wait(ctl, 1, done, 1000);
        if (Date.now() - started > STALL_MS) {
          throw new Error(`threadPool: workers did not finish ${name} within ${STALL_MS} ms`);
        }
      }
      if (Atomics.exchange(ctl, 7, 0) !== 0) {
        throw new Error(
          `threadPool: a worker trapped in ${name}(${args.join(', ')}, ${lo}, ${hi})`,
        );
      }
    },
    stop() {
      ctl[2] = -1;
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      for (const w of workers) void w.terminate();
    },
  };
}
