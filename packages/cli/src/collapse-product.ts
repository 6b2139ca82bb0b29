import { availableParallelism } from 'node:os';
import type { ConvertOptions } from '@reparam/onnx';
import { WasmConvRuntime, wasmMatrixProduct } from '@reparam/wasm';

/** A matrix product for `collapse`, and how to stop its threads. */
export interface CollapseProduct {
  readonly product?: ConvertOptions['product'];
  dispose(): void;
}

/**
 * `@reparam/wasm`'s SIMD matrix product for the compositions of `collapse` (DBB's 1x1 -> KxK),
 * on up to 2 threads: the onnxruntime worker is idle while regions collapse. Where the kernels
 * cannot load, no product: `collapse` then uses core's JavaScript one, slower, as exact.
 */
export async function collapseProduct(): Promise<CollapseProduct> {
  try {
    const rt = await WasmConvRuntime.create({ threads: Math.min(2, availableParallelism()) });
    return { product: wasmMatrixProduct(rt), dispose: () => rt.dispose() };
  } catch {
    return { dispose: () => undefined };
  }
}
