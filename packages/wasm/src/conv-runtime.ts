import type { Conv } from '@reparam/core';
import {
  compileDefaultKernels,
  compileKernels,
  type WasmPaths,
  type WasmSource,
} from './_internal/load.js';
import type { KernelExports } from './_internal/exports.js';
import { Heap } from './_internal/heap.js';
import { stageIn, stageOut, type Layout } from './_internal/staging.js';
import { singleThread, type Executor } from './_internal/executor.js';
import { threadPool, type Stoppable } from './_internal/pool.js';
import { convDims, validateConv, type ConvDims } from './_internal/geometry.js';
import { GemmConv } from './_internal/conv-gemm.js';
import { WinogradConv, winogradApplies } from './_internal/conv-winograd.js';
import { DepthwiseConv, depthwiseApplies } from './_internal/conv-depthwise.js';
import { ShapeError } from '@reparam/core';
import { writeEpilogue } from './_internal/epilogue.js';
import type { Activation } from './graph/ir.js';

/**
 * Which kernel computes a conv: `auto` picks the direct depthwise kernel for one input channel per
 * group, Winograd for 3x3 stride 1 with >= 8 channels per group (F(4x4), or F(2x2) when the input
 * it is prepared for has fewer than 16 F(4x4) tiles), GEMM otherwise.
 */
export type ConvAlgorithm = 'auto' | 'gemm' | 'winograd2' | 'winograd4' | 'depthwise';

/**
 * Below this many F(4x4) tiles per call (e.g. 7x7 planes: 4), `auto` takes F(2x2): F(4x4)'s
 * GEMMs would be mostly padding while its weights, 36 per kernel instead of 16, stream from
 * memory (512 channels at 7x7: F(2x2) 5.2 ms, F(4x4) 7.7 ms, GEMM 8.0 ms on one thread).
 */
const MIN_WINOGRAD4_TILES = 16;

/** Options of {@link WasmConvRuntime.prepare}. */
export interface PrepareOptions {
  /** Fuse `max(0, y)` after the bias. Default false. */
  readonly relu?: boolean;
  /** Any fused activation (overrides `relu`). */
  readonly activation?: Activation;
  /** Default `auto`. */
  readonly algorithm?: ConvAlgorithm;
  /** The NCHW input dims the conv will run on, when known: `auto` chooses for them. */
  readonly inputShape?: readonly number[];
}

/** A conv whose weights are packed in wasm memory, ready to run on any input size. */
export interface PreparedConv {
  readonly conv: Conv;
  readonly algorithm: Exclude<ConvAlgorithm, 'auto'>;
  readonly activation: Activation | undefined;
  /** Output dims for an [n, c, h, w] input (throws ShapeError when it does not fit). */
  dims(shape: readonly number[]): ConvDims;
  /**
   * Runs on heap pointers: x is n*c*h*w floats, y receives n*o*ho*wo floats; `residual`, laid
   * out as y (and possibly y itself), is added before the activation.
   */
  runPointers(x: number, y: number, dims: ConvDims, residual?: number): void;
}

function chooseAlgorithm(
  conv: Conv,
  requested: ConvAlgorithm,
  inputShape: readonly number[] | undefined,
): Exclude<ConvAlgorithm, 'auto'> {
  if (requested === 'winograd2' || requested === 'winograd4') {
    if (!winogradApplies(conv)) {
      const { stride, dilation } = conv.geometry;
      throw new ShapeError(
        `prepare: ${requested} needs a 3x3 stride-1 dilation-1 conv, got shape ` +
          `[${conv.shape.join(', ')}] stride [${stride.join(', ')}] dilation [${dilation.join(', ')}]`,
      );
    }
    return requested;
  }
  if (requested === 'gemm') return 'gemm';
  if (requested === 'depthwise' || (requested === 'auto' && depthwiseApplies(conv))) {
    if (!depthwiseApplies(conv)) {
      throw new ShapeError(
        `prepare: depthwise needs one input channel per group, got shape [${conv.shape.join(', ')}]`,
      );
    }
    return 'depthwise';
  }
  const [o, ig] = conv.shape;
  const og = o / conv.geometry.groups;
  if (!winogradApplies(conv) || og < 8 || ig < 8) return 'gemm';
  if (inputShape === undefined) return 'winograd4';
  const d = convDims('prepare', conv, inputShape);
  return d.n * Math.ceil(d.ho / 4) * Math.ceil(d.wo / 4) < MIN_WINOGRAD4_TILES
    ? 'winograd2'
    : 'winograd4';
}

/** Options of {@link WasmConvRuntime.create}. */
export interface RuntimeOptions {
  /** The kernels themselves (bytes, a module, a URL); default the package's build/*.wasm. */
  readonly wasm?: WasmSource;
  /**
   * Where to fetch the package's builds from when the app's bundler does not copy them (see
   * {@link WasmPaths}); default {@link setWasmPaths}'s, else the package's own files.
   */
  readonly wasmPaths?: WasmPaths;
  /**
   * Threads to use (the caller plus workers over shared memory). Default 1. Falls back to 1,
   * with one console warning naming the COOP/COEP headers, where SharedArrayBuffer is
   * unavailable (a page that is not cross-origin isolated); `runtime.threads` says what it got.
   */
  readonly threads?: number;
  /**
   * Use the relaxed-SIMD build (fused multiply-add) where the engine supports it. Default true;
   * ignored when `wasm` is given.
   */
  readonly relaxedSimd?: boolean;
  /**
   * With threads, a kernel call whose estimated work (multiply-adds, or floats touched) is below
   * this runs on the calling thread alone, as a hand-off costs more than it saves. Default
   * 131072; 0 splits every call.
   */
  readonly minParallelWork?: number;
}

/** True where shared WebAssembly memory can be used by workers. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

let warnedSingleThread = false;

/** The threads a runtime gets: `requested`, or 1 (warned once per page) without shared memory. */
function obtainableThreads(requested: number): number {
  if (requested === 1 || sharedMemoryAvailable()) return requested;
  if (!warnedSingleThread) {
    warnedSingleThread = true;
    console.warn(
      `@reparam/wasm: ${requested} threads were asked for, but this page is not cross-origin ` +
        'isolated (no SharedArrayBuffer), so the runtime uses 1 thread. Serve the page with the ' +
        'headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: ' +
        'require-corp (or credentialless) to get threads.',
    );
  }
  return 1;
}

/**
 * WebAssembly SIMD128 convolution runtime (NCHW float32). Create with
 * {@link WasmConvRuntime.create}; `conv2d` runs one `core` `Conv` (OIHW weights, any geometry);
 * `prepare` packs one for repeated runs. Call `dispose` to stop its worker threads.
 */
export class WasmConvRuntime {
  /** The heap of this instance (internal; exposed for the network runner). */
  readonly heap: Heap;
  /** Runs kernels on one thread or on a pool (internal). */
  readonly exec: Executor;
  private readonly stopper: Stoppable | undefined;

  /** True when the loaded kernels use relaxed SIMD's fused multiply-add. */
  readonly relaxedSimd: boolean;

  private constructor(heap: Heap, exec: Executor, relaxedSimd: boolean, stopper?: Stoppable) {
    this.heap = heap;
    this.exec = exec;
    this.relaxedSimd = relaxedSimd;
    this.stopper = stopper;
  }

  /** Threads actually in use: the requested count, or 1 where shared memory is unavailable. */
  get threads(): number {
    return this.exec.threads;
  }

  /** Loads the kernels into a fresh memory and starts `threads - 1` workers. */
  static async create(options: RuntimeOptions = {}): Promise<WasmConvRuntime> {
    const requested = options.threads ?? 1;
    if (!Number.isInteger(requested) || requested < 1) {
      throw new ShapeError(
        `WasmConvRuntime.create: threads must be a positive integer, got ${requested}`,
      );
    }
    const { minParallelWork } = options;
    if (minParallelWork !== undefined && !(minParallelWork >= 0)) {
      throw new ShapeError(
        `WasmConvRuntime.create: minParallelWork must be a number >= 0, got ${minParallelWork}`,
      );
    }
    const threads = obtainableThreads(requested);
    const shared = threads > 1;
    const { module, relaxed } =
      options.wasm === undefined
        ? await compileDefaultKernels(shared, options.relaxedSimd ?? true, options.wasmPaths)
        : { module: await compileKernels(options.wasm, shared), relaxed: false };
    const memory = new WebAssembly.Memory({ initial: 16, maximum: shared ? 16384 : 65536, shared });
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const heap = new Heap(memory, instance.exports as unknown as KernelExports);
    if (!shared) return new WasmConvRuntime(heap, singleThread(heap.kernels), relaxed);
    const pool = await threadPool(module, heap, threads, minParallelWork);
    return new WasmConvRuntime(heap, pool, relaxed, pool);
  }

  /** Stops the worker threads (a one-thread runtime has none). The runtime must not be used after. */
  dispose(): void {
    this.stopper?.stop();
  }

  /** Packs `conv` into wasm memory. The memory stays until the runtime is dropped. */
  prepare(conv: Conv, options: PrepareOptions = {}): PreparedConv {
    validateConv('prepare', conv);
    const algorithm = chooseAlgorithm(conv, options.algorithm ?? 'auto', options.inputShape);
    const activation: Activation | undefined =
      options.activation ?? (options.relu === true ? { kind: 'relu' } : undefined);
    const { heap } = this;
    const impl =
      algorithm === 'gemm'
        ? new GemmConv(heap, conv)
        : algorithm === 'depthwise'
          ? new DepthwiseConv(heap, conv)
          : new WinogradConv(heap, conv, algorithm === 'winograd2' ? 2 : 4);
    const bias = heap.alloc(conv.shape[0]);
    heap.write(bias, conv.bias);
    return {
      conv,
      algorithm,
      activation,
      dims: (shape) => convDims('conv2d', conv, shape),
      runPointers: (x, y, dims, residual) => {
        const mark = heap.mark();
        const epi = writeEpilogue(heap, { bias, activation, residual, output: y });
        impl.run(this.exec, x, y, dims, epi);
        heap.release(mark);
      },
    };
  }

  /**
   * y = conv(x) (+ ReLU), x float32 of NCHW dims `shape`, stored NCHW or (`layout: 'nhwc'`) NHWC;
   * returns the output in the same layout and its NCHW dims.
   * Uses scratch memory that is released before returning.
   */
  conv2d(
    input: ArrayLike<number>,
    shape: readonly number[],
    conv: Conv | PreparedConv,
    options: PrepareOptions & { readonly layout?: Layout } = {},
  ): { data: Float32Array; shape: [number, number, number, number] } {
    const mark = this.heap.mark();
    try {
      const prepared =
        'runPointers' in conv ? conv : this.prepare(conv, { inputShape: shape, ...options });
      const d = prepared.dims(shape);
      const inSize = d.n * d.c * d.h * d.w;
      if (input.length !== inSize)
        throw new ShapeError(
          `conv2d: input has ${input.length} values, shape [${shape.join(', ')}] needs ${inSize}`,
        );
      const layout = options.layout ?? 'nchw';
      const x = stageIn(this, input, shape, layout);
      const y = this.heap.alloc(d.n * d.o * d.ho * d.wo);
      prepared.runPointers(x, y, d);
      const out = [d.n, d.o, d.ho, d.wo] as const;
      return { data: stageOut(this, y, out, layout), shape: [...out] };
    } finally {
      this.heap.release(mark);
    }
  }
}
