import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterWasmConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputWasmConfig } from './depthwise-backprop-input.js';
import { identityWasmConfig } from './identity.js';

/** The gradient kernels tfjs-backend-wasm 4.22 lacks, supplied by this package. */
export const wasmTrainingKernels: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  depthwiseBackpropInputWasmConfig,
  depthwiseBackpropFilterWasmConfig,
];

const wrapped = new Set<string>();

/** Replaces the wasm kernel `name` by `wrap(original)`, once. */
function wrapKernel(name: string, wrap: (original: KernelConfig) => KernelConfig): boolean {
  const original = getKernel(name, 'wasm');
  if (wrapped.has(name) || original === undefined) return false;
  unregisterKernel(name, 'wasm');
  registerKernel(wrap(original));
  wrapped.add(name);
  return true;
}

/**
 * Registers `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput` and
 * `DepthwiseConv2dNativeBackpropFilter` for backend `'wasm'`, so `model.fit` works there,
 * (unless `fastInputGradient` is false) routes undilated `Conv2DBackpropInput` through the
 * backend's fast forward conv, and makes `Identity` share data instead of copying it (tfjs clones
 * every tensor a backward pass keeps). Idempotent; missing kernels already registered (by a later tfjs,
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
  if (
    (options.fastInputGradient ?? true) &&
    wrapKernel('Conv2DBackpropInput', conv2dBackpropInputWasmConfig)
  )
    added.push('Conv2DBackpropInput');
  if (wrapKernel('Identity', identityWasmConfig)) added.push('Identity');
  return added;
}
