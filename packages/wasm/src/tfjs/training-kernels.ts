import type * as tfjs from '@tensorflow/tfjs';
import { WasmConvRuntime, type RuntimeOptions } from '../conv-runtime.js';
import { convInputGradient, convWeightGradient } from '../gradients.js';
import { depthwiseToOihw, hwioToOihw, oihwToDepthwise, oihwToHwio } from './layout.js';
import { forwardKernels } from './forward-kernels.js';
import {
  floats,
  geometryOf,
  nhwc,
  output,
  type Backend,
  type ConvAttrs,
  type KernelFunc,
  type TensorInfo,
  type TfApi,
} from './kernel-support.js';

export type { TfApi } from './kernel-support.js';

/** Options of {@link registerWasmTrainingKernels}. */
export interface TrainingKernelOptions extends RuntimeOptions {
  /** tfjs backend to register for; default `'wasm'` (whose 4.22 build lacks these kernels). */
  readonly backendName?: string;
  /** Use this runtime instead of creating one. */
  readonly runtime?: WasmConvRuntime;
  /**
   * Also run the forward convs (`Conv2D`, `FusedConv2D` with linear / relu, and
   * `DepthwiseConv2dNative`) on this runtime, e.g. Winograd for 3x3. Default false.
   */
  readonly forward?: boolean;
}

/** What {@link registerWasmTrainingKernels} did, and how to undo it. */
export interface RegisteredKernels {
  readonly runtime: WasmConvRuntime;
  readonly kernelNames: readonly string[];
  /** Unregisters our kernels and restores any they replaced. */
  unregister(): void;
}

/** tfjs activations are NHWC: the gradient functions transpose them inside wasm. */
const NHWC = { layout: 'nhwc' } as const;

function kernels(tf: TfApi, rt: WasmConvRuntime): Record<string, KernelFunc> {
  const filterGrad =
    (depthwise: boolean): KernelFunc =>
    ({ inputs, backend: b, attrs }) => {
      const backend = b as Backend;
      const fn = depthwise
        ? 'DepthwiseConv2dNativeBackpropFilter(@reparam/wasm)'
        : 'Conv2DBackpropFilter(@reparam/wasm)';
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as ConvAttrs;
      const fs = nhwc(a.filterShape ?? []);
      const g = geometryOf(tf, fn, nhwc(x.shape), fs, a, depthwise);
      const xs = floats(fn, backend, x);
      const dys = floats(fn, backend, dy);
      const shape = [g.y[1], depthwise ? 1 : g.x[1], g.kh, g.kw] as const;
      const { weight } = convWeightGradient(rt, xs, g.x, dys, shape, g.geometry, NHWC);
      return output(
        backend,
        depthwise ? oihwToDepthwise(weight, fs) : oihwToHwio(weight, shape),
        fs,
      );
    };
  const inputGrad =
    (depthwise: boolean): KernelFunc =>
    ({ inputs, backend: b, attrs }) => {
      const backend = b as Backend;
      const fn = depthwise
        ? 'DepthwiseConv2dNativeBackpropInput(@reparam/wasm)'
        : 'Conv2DBackpropInput(@reparam/wasm)';
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = attrs as unknown as ConvAttrs;
      const xs = nhwc(a.inputShape ?? []);
      const fs = nhwc(filter.shape);
      const g = geometryOf(tf, fn, xs, fs, a, depthwise);
      const f = floats(fn, backend, filter);
      const shape = [g.y[1], depthwise ? 1 : g.x[1], g.kh, g.kw] as const;
      const weight = depthwise ? depthwiseToOihw(f, fs) : hwioToOihw(f, fs);
      const conv = { shape, weight, bias: new Float32Array(shape[0]), geometry: g.geometry };
      const dx = convInputGradient(rt, floats(fn, backend, dy), conv, g.x, NHWC);
      return output(backend, dx, [...xs]);
    };
  return {
    Conv2DBackpropFilter: filterGrad(false),
    Conv2DBackpropInput: inputGrad(false),
    DepthwiseConv2dNativeBackpropFilter: filterGrad(true),
    DepthwiseConv2dNativeBackpropInput: inputGrad(true),
  };
}

/**
 * Registers this package's SIMD gradient kernels with tfjs for one backend (default `'wasm'`):
 * `Conv2DBackpropFilter`, `Conv2DBackpropInput`, `DepthwiseConv2dNativeBackpropFilter` and
 * `DepthwiseConv2dNativeBackpropInput` (NHWC activations transposed inside wasm, filters converted to OIHW in layout.ts).
 * Any stride, dilation and padding tfjs computes. Kernels already registered are replaced and
 * restored by `unregister()`. Pass the tfjs namespace: `await registerWasmTrainingKernels(tf)`.
 */
export async function registerWasmTrainingKernels(
  tf: TfApi,
  options: TrainingKernelOptions = {},
): Promise<RegisteredKernels> {
  const backendName = options.backendName ?? 'wasm';
  const rt = options.runtime ?? (await WasmConvRuntime.create(options));
  const replaced: tfjs.KernelConfig[] = [];
  const names: string[] = [];
  const all = kernels(tf, rt);
  if (options.forward ?? false) {
    const names = ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative'];
    const fallback = Object.fromEntries(
      names.map((n) => [n, tf.getKernel(n, backendName)?.kernelFunc]),
    );
    Object.assign(all, forwardKernels(tf, rt, fallback));
  }
  for (const [kernelName, kernelFunc] of Object.entries(all)) {
    const existing = tf.getKernel(kernelName, backendName);
    if (existing !== undefined) {
      replaced.push(existing);
      tf.unregisterKernel(kernelName, backendName);
    }
    tf.registerKernel({ kernelName, backendName, kernelFunc });
    names.push(kernelName);
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
