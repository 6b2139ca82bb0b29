import type { Conv } from '@reparam/core';
import { compileKernels, type WasmSource } from './_internal/load.js';
import type { KernelExports } from './_internal/exports.js';
import { Heap } from './_internal/heap.js';
import { convDims, validateConv, type ConvDims } from './_internal/geometry.js';
import { GemmConv } from './_internal/conv-gemm.js';
import { Winograd2Conv, winograd2Applies } from './_internal/conv-winograd2.js';
import { ShapeError } from '@reparam/core';

/** Which kernel computes a conv: `auto` picks Winograd for 3x3 stride 1 with enough channels. */
export type ConvAlgorithm = 'auto' | 'gemm' | 'winograd2';

/** Options of {@link WasmConvRuntime.prepare}. */
export interface PrepareOptions {
  /** Fuse `max(0, y)` after the bias. Default false. */
  readonly relu?: boolean;
  /** Default `auto`. */
  readonly algorithm?: ConvAlgorithm;
}

/** A conv whose weights are packed in wasm memory, ready to run on any input size. */
export interface PreparedConv {
  readonly conv: Conv;
  readonly algorithm: Exclude<ConvAlgorithm, 'auto'>;
  /** Output dims for an [n, c, h, w] input (throws ShapeError when it does not fit). */
  dims(shape: readonly number[]): ConvDims;
  /** Runs on heap pointers: x is n*c*h*w floats, y receives n*o*ho*wo floats. */
  runPointers(x: number, y: number, dims: ConvDims): void;
}

function chooseAlgorithm(conv: Conv, requested: ConvAlgorithm): Exclude<ConvAlgorithm, 'auto'> {
  if (requested === 'winograd2') {
    if (!winograd2Applies(conv))
      throw new ShapeError(
        `prepare: winograd2 needs a 3x3 stride-1 dilation-1 conv, got shape [${conv.shape.join(', ')}] stride [${conv.geometry.stride.join(', ')}] dilation [${conv.geometry.dilation.join(', ')}]`,
      );
    return 'winograd2';
  }
  if (requested === 'gemm') return 'gemm';
  const [o, ig] = conv.shape;
  const og = o / conv.geometry.groups;
  return winograd2Applies(conv) && og >= 8 && ig >= 8 ? 'winograd2' : 'gemm';
}

/**
 * Single-thread WebAssembly SIMD128 convolution runtime (NCHW float32). Create with
 * {@link WasmConvRuntime.create}; `conv2d` runs one `core` `Conv` (OIHW weights, any geometry).
 */
export class WasmConvRuntime {
  /** The heap of this instance (internal; exposed for the network runner). */
  readonly heap: Heap;

  private constructor(heap: Heap) {
    this.heap = heap;
  }

  /** Loads the kernels (default: the package's build/reparam.wasm) into a fresh memory. */
  static async create(options: { wasm?: WasmSource } = {}): Promise<WasmConvRuntime> {
    const module = await compileKernels(options.wasm, false);
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    return new WasmConvRuntime(new Heap(memory, instance.exports as unknown as KernelExports));
  }

  /** Packs `conv` into wasm memory. The memory stays until the runtime is dropped. */
  prepare(conv: Conv, options: PrepareOptions = {}): PreparedConv {
    validateConv('prepare', conv);
    const algorithm = chooseAlgorithm(conv, options.algorithm ?? 'auto');
    const relu = options.relu ?? false;
    const impl =
      algorithm === 'winograd2'
        ? new Winograd2Conv(this.heap, conv, relu)
        : new GemmConv(this.heap, conv, relu);
    return {
      conv,
      algorithm,
      dims: (shape) => convDims('conv2d', conv, shape),
      runPointers: (x, y, dims) => impl.run(x, y, dims),
    };
  }

  /**
   * y = conv(x) (+ ReLU), x NCHW float32 of `shape`; returns the NCHW output and its shape.
   * Uses scratch memory that is released before returning.
   */
  conv2d(
    input: ArrayLike<number>,
    shape: readonly number[],
    conv: Conv | PreparedConv,
    options: PrepareOptions = {},
  ): { data: Float32Array; shape: [number, number, number, number] } {
    const mark = this.heap.mark();
    try {
      const prepared = 'runPointers' in conv ? conv : this.prepare(conv, options);
      const d = prepared.dims(shape);
      const inSize = d.n * d.c * d.h * d.w;
      if (input.length !== inSize)
        throw new ShapeError(
          `conv2d: input has ${input.length} values, shape [${shape.join(', ')}] needs ${inSize}`,
        );
      const outSize = d.n * d.o * d.ho * d.wo;
      const x = this.heap.alloc(inSize);
      const y = this.heap.alloc(outSize);
      this.heap.write(x, input);
      prepared.runPointers(x, y, d);
      return { data: this.heap.f32(y, outSize).slice(), shape: [d.n, d.o, d.ho, d.wo] };
    } finally {
      this.heap.release(mark);
    }
  }
}
