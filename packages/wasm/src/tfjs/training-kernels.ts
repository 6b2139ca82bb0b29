import type * as tfjs from '@tensorflow/tfjs';
import { ShapeError, type Geometry } from '@reparam/core';
import { WasmConvRuntime, type RuntimeOptions } from '../conv-runtime.js';
import { convInputGradient, convWeightGradient } from '../gradients.js';
import { depthwiseToOihw, hwioToOihw, oihwToDepthwise, oihwToHwio } from './layout.js';

/** The parts of the `@tensorflow/tfjs` namespace this module uses (pass `tf` itself). */
export type TfApi = Pick<
  typeof tfjs,
  'registerKernel' | 'unregisterKernel' | 'getKernel' | 'backend_util'
>;

type KernelFunc = tfjs.KernelConfig['kernelFunc'];
type TensorInfo = tfjs.TensorInfo;
type Backend = tfjs.KernelBackend;
type Pad = 'valid' | 'same' | number | tfjs.backend_util.ExplicitPadding;

interface GradAttrs {
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

/** Options of {@link registerWasmTrainingKernels}. */
export interface TrainingKernelOptions extends RuntimeOptions {
  /** tfjs backend to register for; default `'wasm'` (whose 4.22 build lacks these kernels). */
  readonly backendName?: string;
  /** Use this runtime instead of creating one. */
  readonly runtime?: WasmConvRuntime;
}

/** What {@link registerWasmTrainingKernels} did, and how to undo it. */
export interface RegisteredKernels {
  readonly runtime: WasmConvRuntime;
  readonly kernelNames: readonly string[];
  /** Unregisters our kernels and restores any they replaced. */
  unregister(): void;
}

function floats(fn: string, backend: Backend, t: TensorInfo): Float32Array {
  const v = backend.readSync(t.dataId);
  if (t.dtype !== 'float32' || !(v instanceof Float32Array)) {
    throw new ShapeError(`${fn}: expects float32 tensors, got ${t.dtype}`);
  }
  return v;
}

function output(backend: Backend, values: Float32Array, shape: number[]): TensorInfo {
  return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

function nhwc(shape: readonly number[]): [number, number, number, number] {
  return [shape[0], shape[1], shape[2], shape[3]];
}

/** tfjs's conv geometry (NHWC) as core's Geometry plus NCHW shapes. */
function geometryOf(
  tf: TfApi,
  fn: string,
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  a: GradAttrs,
  depthwise: boolean,
) {
  if (a.dataFormat === 'NCHW') {
    throw new ShapeError(`${fn}: dataFormat NCHW is not supported; tfjs layers use NHWC`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  const { top, left, bottom, right } = info.padInfo;
  const geometry: Geometry = {
    stride: [info.strideHeight, info.strideWidth],
    padding: [top, left, bottom, right],
    dilation: [info.dilationHeight, info.dilationWidth],
    groups: depthwise ? info.inChannels : 1,
  };
  const x = [info.batchSize, info.inChannels, info.inHeight, info.inWidth] as const;
  const y = [info.batchSize, info.outChannels, info.outHeight, info.outWidth] as const;
  return { geometry, x, y, kh: info.filterHeight, kw: info.filterWidth };
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
      const a = attrs as unknown as GradAttrs;
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
      const a = attrs as unknown as GradAttrs;
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
  for (const [kernelName, kernelFunc] of Object.entries(kernels(tf, rt))) {
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
