import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ShapeError } from '@reparam/core';

/**
 * Float32 access, without copies, to the tensors of a backend that keeps them in CPU memory: the
 * tfjs cpu backend's own arrays, or views of the tfjs wasm heap. Allocate every output first,
 * then take the views: a wasm heap may grow on allocation, which detaches earlier views.
 */
export interface FloatMemory {
  /** New float32 tensors of these shapes (zero-filled on cpu, uninitialized on wasm). */
  alloc(shapes: readonly (readonly number[])[]): TensorInfo[];
  /** Views of float32 tensors, valid until the next allocation. */
  views(fn: string, tensors: readonly TensorInfo[]): Float32Array[];
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function isWasm(backend: KernelBackend): backend is BackendWasm {
  return 'typedArrayFromHeap' in backend && 'makeOutput' in backend;
}

/** {@link FloatMemory} of a cpu or wasm backend. */
export function floatMemory(backend: KernelBackend): FloatMemory {
  const check = (fn: string, t: TensorInfo): void => {
    if (t.dtype !== 'float32')
      throw new ShapeError(
        `${fn}: expects float32 tensors, got ${t.dtype} [${t.shape.join(', ')}]`,
      );
  };
  if (isWasm(backend)) {
    return {
      alloc: (shapes) => shapes.map((s) => backend.makeOutput([...s], 'float32')),
      views: (fn, ts) =>
        ts.map((t) => {
          check(fn, t);
          return backend.typedArrayFromHeap(t) as Float32Array;
        }),
    };
  }
  return {
    alloc: (shapes) =>
      shapes.map((s) => ({
        dataId: backend.write(new Float32Array(size(s)), [...s], 'float32'),
        shape: [...s],
        dtype: 'float32',
      })),
    views: (fn, ts) =>
      ts.map((t) => {
        check(fn, t);
        const v = backend.readSync(t.dataId);
        if (!(v instanceof Float32Array))
          throw new ShapeError(`${fn}: backend ${backend.constructor.name} holds no float32 array`);
        return v;
      }),
  };
}
