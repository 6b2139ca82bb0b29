import { describe, expect, it } from 'vitest';
import { Heap } from './heap.js';
import type { KernelExports } from './exports.js';

describe('Heap', () => {
  const kernels = { heapBase: () => 1000 } as unknown as KernelExports;

  it('allocates 64-byte aligned blocks after the module data and releases to a mark', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 16 }), kernels);
    const a = heap.alloc(10);
    expect(a % 64).toBe(0);
    expect(a).toBeGreaterThanOrEqual(1000);
    const mark = heap.mark();
    const b = heap.alloc(100_000); // grows the memory past its first page
    expect(b).toBeGreaterThanOrEqual(a + 40);
    heap.f32(b, 100_000).fill(1);
    heap.release(mark);
    expect(heap.alloc(1)).toBe(b);
  });

  it('names the sizes when the memory cannot grow any further', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 2 }), kernels);
    expect(() => heap.alloc(1_000_000)).toThrow(
      /Heap.alloc: the kernels need 3.8 MB .* holds 0.1 MB/,
    );
  });
});
