/** The kernels module could not be loaded or instantiated (missing build, no SIMD support...). */
export class WasmLoadError extends Error {
  override readonly name = 'WasmLoadError';
}

/** A model uses an operator or attribute the wasm runtime does not run; the message names the node. */
export class UnsupportedModelError extends Error {
  override readonly name = 'UnsupportedModelError';
}
