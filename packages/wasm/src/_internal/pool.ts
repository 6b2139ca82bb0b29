import { WasmLoadError } from '../errors.js';
import { callKernel, type Executor } from './executor.js';
import { KERNEL_NAMES, type KernelExports } from './exports.js';
import type { Heap } from './heap.js';
import {
  chunkRange,
  claimChunk,
  CLAIM,
  CLOSED,
  nodeWorkerSource,
  webWorkerSource,
  type WorkerInit,
} from './worker-source.js';

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

/**
 * In Node idle workers sleep at once (a sleeping worker wakes in 20-35 us, and its chunk goes to
 * the caller if it wakes too late): a polling worker takes CPU time from the caller whenever the
 * two share a core because another process is busy on the machine. MobileNetV2 at 2 threads
 * beside one busy-loop process (1 thread: 18.1 ms): 38.6 ms polling 5 ms, 80.8 ms polling
 * 0.5 ms, 18.3 ms not polling; with other tenants' tests running, 10.5-12.6 ms against 14.2-17.3.
 */
const NODE_SPIN_MS = 0;

/**
 * The calling thread polls this long for the other slices before it blocks: they usually end
 * within microseconds of its own, and a blocked caller takes 20-35 us to wake (Node, 2 threads),
 * longer than a small job. Short, so that a caller waiting on a long slice gives its core back.
 */
const CALLER_SPIN_MS = 0.2;

/**
 * Chunks per thread of a split call. One: a GEMM chunk streams all of the weights, so finer
 * chunks cost more than the balance they buy (1x1 conv 384x64 at 14x14, 2 threads: 0.15-0.19 ms
 * with 3 per thread, 0.12-0.13 ms with 1). A worker that starts late still loses its chunk to
 * the caller instead of holding it up.
 */
const CHUNKS_PER_THREAD = 1;

/**
 * Calls whose caller-estimated work (multiply-adds, or floats touched) is below this run on the
 * calling thread alone: a hand-off costs a few microseconds even when the workers are polling.
 */
export const MIN_PARALLEL_WORK = 131_072;

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
 * Each `run` publishes one job in a control block, claims chunks of it like the workers (see
 * worker-source.ts), then waits for the chunks still running (a short poll, then Atomics.wait in
 * Node; a spin in browsers, whose main thread may not block).
 */
export async function threadPool(
  module: WebAssembly.Module,
  heap: Heap,
  threads: number,
  minParallelWork = MIN_PARALLEL_WORK,
): Promise<Executor & Stoppable> {
  const control = heap.alloc(64);
  const ctl = new Int32Array(heap.memory.buffer, control, 64);
  const names = [...KERNEL_NAMES];
  const workers: AnyWorker[] = [];
  try {
    for (let index = 1; index < threads; index++) {
      const { worker, ready } = await spawn();
      workers.push(worker);
      worker.postMessage({
        module,
        memory: heap.memory,
        control,
        index,
        names,
        spinMs: isNode ? NODE_SPIN_MS : SPIN_MS,
      });
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
  let job = 0;
  return {
    threads,
    run(name, args, lo, hi, work) {
      if (hi - lo < 2 || (work !== undefined && work < minParallelWork)) {
        callKernel(kernels, name, args, lo, hi);
        return;
      }
      const chunks = Math.min(hi - lo, CHUNKS_PER_THREAD * threads);
      job = (job + 1) & 0x7fffff;
      // Closed while the parameters change (a late worker may still read the claim word).
      Atomics.store(ctl, CLAIM, (job << 8) | CLOSED);
      ctl[2] = names.indexOf(name);
      ctl[3] = args.length;
      for (let i = 0; i < args.length; i++) ctl[8 + i] = args[i];
      ctl[4] = lo;
      ctl[5] = hi;
      ctl[6] = chunks;
      Atomics.store(ctl, 1, 0);
      Atomics.store(ctl, CLAIM, job << 8);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      let failure: Error | undefined;
      for (let c = claimChunk(ctl, job); c >= 0; c = claimChunk(ctl, job)) {
        const [a, b] = chunkRange(lo, hi, c, chunks);
        try {
          callKernel(kernels, name, args, a, b);
        } catch (e) {
          failure ??= e instanceof Error ? e : new Error(String(e));
        }
        Atomics.add(ctl, 1, 1);
      }
      // Every chunk is claimed: wait for those still running on workers.
      const started = Date.now();
      const spinUntil = performance.now() + CALLER_SPIN_MS;
      for (let done = Atomics.load(ctl, 1); done < chunks; done = Atomics.load(ctl, 1)) {
        if (blockingWait && performance.now() > spinUntil) Atomics.wait(ctl, 1, done, 1000);
        if (Date.now() - started > STALL_MS) {
          throw new Error(`threadPool: workers did not finish ${name} within ${STALL_MS} ms`);
        }
      }
      if (failure !== undefined) throw failure;
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
