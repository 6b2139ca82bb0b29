/** The kernels module could not be loaded or instantiated (missing build, no SIMD support...). */
export class WasmLoadError extends Error {
  override readonly name = 'WasmLoadError';
}
