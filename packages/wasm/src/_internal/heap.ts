import type { KernelExports } from './exports.js';

const PAGE = 65536;

/**
 * The module's memory seen from JS: a stack allocator (mark / release) over WebAssembly memory
 * that grows on demand. Views are re-created after growth (growth detaches old ArrayBuffers).
 */
export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly kernels: KernelExports;
  private top: number;
  private highest: number;

  constructor(memory: WebAssembly.Memory, kernels: KernelExports) {
    this.memory = memory;
    this.kernels = kernels;
    this.top = align(kernels.heapBase());
    this.highest = this.top;
  }

  /** Reserves `floats` float32s (64-byte aligned) and returns the byte offset. */
  alloc(floats: number): number {
    const at = this.top;
    const end = align(at + floats * 4 + 64);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch (cause) {
        const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
        throw new RangeError(
          `Heap.alloc: the kernels need ${mb(end)} of wasm memory for ${floats} more floats; ` +
            `the memory holds ${mb(have)} and cannot grow (${String(cause)}): use smaller batches`,
          { cause },
        );
      }
    }
    this.top = end;
    this.highest = Math.max(this.highest, end);
    return at;
  }

  /** The highest stack position since the last {@link Heap.resetHighWater}, in bytes. */
  get highWater(): number {
    return this.highest;
  }

  /** Restarts the high-water mark at the current position. */
  resetHighWater(): void {
    this.highest = this.top;
  }

  /** Current stack position, for {@link Heap.release}. */
  mark(): number {
    return this.top;
  }

  /** Frees everything allocated since `mark`. */
  release(mark: number): void {
    this.top = mark;
  }

  /** A float32 view of `floats` values at byte offset `ptr` (valid until the next growth). */
  f32(ptr: number, floats: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, floats);
  }

  /** Copies `data` into memory at `ptr`. */
  write(ptr: number, data: ArrayLike<number>): void {
    const view = this.f32(ptr, data.length);
    if (data instanceof Float32Array) view.set(data);
    else for (let i = 0; i < data.length; i++) view[i] = data[i];
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
