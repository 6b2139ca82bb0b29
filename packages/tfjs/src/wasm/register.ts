import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { depthwiseBackpropFilterWasmConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputWasmConfig } from './depthwise-backprop-input.js';

/** The gradient kernels tfjs-backend-wasm 4.22 lacks, supplied by this package. */
export const wasmTrainingKernels: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  depthwiseBackpropInputWasmConfig,
  depthwiseBackpropFilterWasmConfig,
];

/**
 * Registers `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput` and
 * `DepthwiseConv2dNativeBackpropFilter` for backend `'wasm'`, so `model.fit` works there.
 * Idempotent; kernels already registered (by a later tfjs, or by `@reparam/wasm`) are kept.
 * Returns the names of the kernels it registered.
 */
export function registerWasmTrainingKernels(): string[] {
  const added: string[] = [];
  for (const k of wasmTrainingKernels) {
    if (getKernel(k.kernelName, 'wasm') !== undefined) continue;
    registerKernel(k);
    added.push(k.kernelName);
  }
  return added;
}
