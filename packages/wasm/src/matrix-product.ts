import type { MatrixProduct, MatrixView } from '@reparam/core';
import { ShapeError } from '@reparam/core';
import type { WasmConvRuntime } from './conv-runtime.js';

/**
 * `@reparam/core`'s {@link MatrixProduct} on this runtime's SIMD GEMM (float32, relaxed-SIMD
 * fused multiply-add where loaded, split over the runtime's threads): pass it as `collapse`'s
 * `product` option to run DBB's 1x1 -> KxK compositions in WebAssembly. Operands are packed
 * from their strided views straight into wasm memory; the float32 result is added into core's
 * float64 accumulator. `collapse` uses it for float32 results only (float32 products are within
 * its universal law's float32 tolerance, see core's tests against this provider).
 */
export function wasmMatrixProduct(rt: WasmConvRuntime): MatrixProduct {
  return {
    precision: 'float32',
    multiplyAdd(a, b, c) {
      if (a.cols !== b.rows || c.rows !== a.rows || c.cols !== b.cols) {
        throw new ShapeError(
          `wasmMatrixProduct: cannot add a ${a.rows}x${a.cols} times ${b.rows}x${b.cols} product into ${c.rows}x${c.cols}`,
        );
      }
      const m = a.rows;
      const k = a.cols;
      const n = b.cols;
      if (m === 0 || n === 0 || k === 0) return;
      const { heap } = rt;
      const mark = heap.mark();
      try {
        const rowPanels = Math.ceil(m / 4);
        const colPanels = Math.ceil(n / 8);
        const ap = heap.alloc(rowPanels * 4 * k);
        const bp = heap.alloc(colPanels * 8 * k);
        const y = heap.alloc(m * n);
        // Views after every allocation: growing the memory detaches earlier ones.
        packPanels(a, true, 4, heap.f32(ap, rowPanels * 4 * k));
        packPanels(b, false, 8, heap.f32(bp, colPanels * 8 * k));
        rt.exec.run('gemm', [ap, bp, m, k, n, y, n, 0], 0, colPanels);
        addInto(heap.f32(y, m * n), n, c);
      } finally {
        heap.release(mark);
      }
    },
  };
}

/**
 * Packs `v` into the GEMM's panels: `width` interleaved rows of A (`rowsOfA`: `[M/4][K][4]`) or
 * columns of B (`[N/8][K][8]`), zeros past the edge.
 */
function packPanels(v: MatrixView, rowsOfA: boolean, width: number, out: Float32Array): void {
  const lines = rowsOfA ? v.rows : v.cols;
  const depth = rowsOfA ? v.cols : v.rows;
  const lineStride = rowsOfA ? v.rowStride : v.colStride;
  const kStride = rowsOfA ? v.colStride : v.rowStride;
  const data = v.data;
  const panels = Math.ceil(lines / width);
  for (let p = 0; p < panels; p++) {
    const base = p * width * depth;
    for (let r = 0; r < width; r++) {
      const line = p * width + r;
      if (line >= lines) {
        for (let j = 0; j < depth; j++) out[base + j * width + r] = 0;
        continue;
      }
      let at = v.offset + line * lineStride;
      for (let j = 0; j < depth; j++, at += kStride) out[base + j * width + r] = data[at];
    }
  }
}

/** `c += y`, `y` row-major with `n` columns. */
function addInto(y: Float32Array, n: number, c: MatrixView<Float64Array>): void {
  for (let r = 0; r < c.rows; r++) {
    const at = c.offset + r * c.rowStride;
    for (let j = 0; j < n; j++) c.data[at + j * c.colStride] += y[r * n + j];
  }
}
