import type * as tfjs from '@tensorflow/tfjs';
import { ShapeError, type Geometry } from '@reparam/core';

/** The parts of the `@tensorflow/tfjs` namespace this package uses (pass `tf` itself). */
export type TfApi = Pick<
  typeof tfjs,
  'registerKernel' | 'unregisterKernel' | 'getKernel' | 'backend_util'
>;

/** tfjs kernel function, tensor handle and backend types. */
export type KernelFunc = tfjs.KernelConfig['kernelFunc'];
export type TensorInfo = tfjs.TensorInfo;
export type Backend = tfjs.KernelBackend;
type Pad = 'valid' | 'same' | number | tfjs.backend_util.ExplicitPadding;

/** Attributes of tfjs's conv kernels (forward and gradients), tfjs-core names. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
  activation?: string;
}

/** A float32 tensor's values (a copy for the wasm backend). */
export function floats(fn: string, backend: Backend, t: TensorInfo): Float32Array {
  const v = backend.readSync(t.dataId);
  if (t.dtype !== 'float32' || !(v instanceof Float32Array)) {
    throw new ShapeError(`${fn}: expects float32 tensors, got ${t.dtype}`);
  }
  return v;
}

/** A new float32 tensor of the backend. */
export function output(backend: Backend, values: Float32Array, shape: number[]): TensorInfo {
  return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

/** A 4-tuple from a tfjs shape. */
export function nhwc(shape: readonly number[]): [number, number, number, number] {
  return [shape[0], shape[1], shape[2], shape[3]];
}

/** tfjs's conv geometry (NHWC) as core's Geometry plus NCHW shapes. */
export function geometryOf(
  tf: TfApi,
  fn: string,
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  a: ConvAttrs,
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
