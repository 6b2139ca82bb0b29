import type * as tfjs from '@tensorflow/tfjs';
import { WasmConvRuntime, type RuntimeOptions } from '../conv-runtime.js';
import { forwardKernels } from './forward-kernels.js';
import type { TfApi } from './kernel-support.js';

export type { TfApi } from './kernel-support.js';

/** Options of {@link registerWasmConvKernels}. */
export interface ConvKernelOptions extends RuntimeOptions {
  /** tfjs backend to register for; default `'wasm'`. */
  readonly backendName?: string;
  /** Use this runtime instead of creating one. */
  readonly runtime?: WasmConvRuntime;
}

/** What {@link registerWasmConvKernels} did, and how to undo it. */
export interface RegisteredKernels {
  readonly runtime: WasmConvRuntime;
  readonly kernelNames: readonly string[];
  /** Unregisters our kernels and restores the ones they replaced. */
  unregister(): void;
}

/**
 * Registers this package's SIMD forward convolutions with tfjs for one backend (default
 * `'wasm'`): `Conv2D`, `FusedConv2D` (linear / relu) and `DepthwiseConv2dNative`, e.g. Winograd
 * for 3x3; other attributes fall back to the kernels they replace, which `unregister()`
 * restores. Pass the tfjs namespace: `await registerWasmConvKernels(tf)`. The gradient kernels
 * for training on tfjs-wasm are `@reparam/tfjs`'s `registerWasmTrainingKernels` (they were
 * faster per training step than this package's SIMD ones, which copy every tensor in and out of
 * their own memory).
 */
export async function registerWasmConvKernels(
  tf: TfApi,
  options: ConvKernelOptions = {},
): Promise<RegisteredKernels> {
  const backendName = options.backendName ?? 'wasm';
  const rt = options.runtime ?? (await WasmConvRuntime.create(options));
  const names = ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative'];
  const fallback = Object.fromEntries(
    names.map((n) => [n, tf.getKernel(n, backendName)?.kernelFunc]),
  );
  const replaced: tfjs.KernelConfig[] = [];
  for (const [kernelName, kernelFunc] of Object.entries(forwardKernels(tf, rt, fallback))) {
    const existing = tf.getKernel(kernelName, backendName);
    if (existing !== undefined) {
      replaced.push(existing);
      tf.unregisterKernel(kernelName, backendName);
    }
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
  return {
    runtime: rt,
    kernelNames: names,
    unregister() {
      for (const name of names) tf.unregisterKernel(name, backendName);
      for (const k of replaced) tf.registerKernel(k);
    },
  };
}
