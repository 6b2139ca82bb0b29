import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterWasmConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputWasmConfig } from './depthwise-backprop-input.js';

/** The gradient kernels tfjs-backend-wasm 4.22 lacks, supplied by this package. */
export const wasmTrainingKernels: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  depthwiseBackpropInputWasmConfig,
  depthwiseBackpropFilterWasmConfig,
];

let inputGradWrapped = false;

/**
 * Registers `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput` and
 * `DepthwiseConv2dNativeBackpropFilter` for backend `'wasm'`, so `model.fit` works there, and
 * (unless `fastInputGradient` is false) routes undilated `Conv2DBackpropInput` through the
 * backend's fast forward conv. Idempotent; missing kernels already registered (by a later tfjs,
 * or by `@reparam/wasm`) are kept. Returns the names of the kernels it registered or wrapped.
 */
export function registerWasmTrainingKernels(
  options: { fastInputGradient?: boolean } = {},
): string[] {
  const added: string[] = [];
  for (const k of wasmTrainingKernels) {
    if (getKernel(k.kernelName, 'wasm') !== undefined) continue;
    registerKernel(k);
    added.push(k.kernelName);
  }
  const original = getKernel('Conv2DBackpropInput', 'wasm');
  if ((options.fastInputGradient ?? true) && !inputGradWrapped && original !== undefined) {
    unregisterKernel('Conv2DBackpropInput', 'wasm');
    registerKernel(conv2dBackpropInputWasmConfig(original));
    inputGradWrapped = true;
    added.push('Conv2DBackpropInput');
  }
  return added;
}
