import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * `Identity` for the tfjs wasm backend without a copy: the output shares the input's data (one
 * more reference), as the tfjs cpu backend does. tfjs-backend-wasm 4.22 copies, and tfjs clones
 * every tensor it saves for a backward pass, so a training step copied each conv's input and
 * kernel once more and held the copies until the step's end. Sharing is safe because tfjs never
 * writes a tensor's data in place (a variable's `assign` takes a new buffer). Strings fall back.
 */
export function identityWasm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: TensorInfo }).x;
    if (x.dtype === 'string') return fallback(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Replaces tfjs-backend-wasm's `Identity` by {@link identityWasm} around it. */
export function identityWasmConfig(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: identityWasm(original.kernelFunc) };
}
