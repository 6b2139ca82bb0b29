import type { WasmConvRuntime } from '../conv-runtime.js';

/** Memory layout of a 4-D activation tensor given to or returned by a public function. */
export type Layout = 'nchw' | 'nhwc';

/**
 * Copies `data` (of NCHW dims `shape`, stored in `layout`) into a fresh NCHW heap buffer and
 * returns its pointer; NHWC goes through a staging buffer and the SIMD transpose kernel.
 */
export function stageIn(
  rt: WasmConvRuntime,
  data: ArrayLike<number>,
  [n, c, h, w]: readonly number[],
  layout: Layout,
): number {
  const { heap } = rt;
  const out = heap.alloc(data.length);
  if (layout === 'nchw') {
    heap.write(out, data);
    return out;
  }
  const tmp = heap.alloc(data.length);
  heap.write(tmp, data);
  rt.exec.run('transposeBatch', [tmp, h * w, c, out], 0, n);
  return out;
}

/** Reads an NCHW heap buffer of dims `shape` out as a new array in `layout`. */
export function stageOut(
  rt: WasmConvRuntime,
  ptr: number,
  [n, c, h, w]: readonly number[],
  layout: Layout,
): Float32Array {
  const { heap } = rt;
  const size = n * c * h * w;
  if (layout === 'nchw') return heap.f32(ptr, size).slice();
  const tmp = heap.alloc(size);
  rt.exec.run('transposeBatch', [ptr, c, h * w, tmp], 0, n);
  return heap.f32(tmp, size).slice();
}
