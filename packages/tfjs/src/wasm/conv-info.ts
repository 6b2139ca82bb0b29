import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ShapeError } from '@reparam/core';

/** Attributes shared by the conv gradient kernels (tfjs-core names). */
export interface GradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
  /** tfjs-core never sends dilations to `Conv2DBackpropFilter`; honoured when present. */
  dilations?: number | [number, number];
}

/** Computes tfjs's conv geometry for a gradient kernel, refusing NCHW with a named error. */
export function convInfo(
  fn: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: GradAttrs,
  depthwise: boolean,
): backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new ShapeError(`${fn}: dataFormat NCHW is not supported on wasm; tfjs layers pass NHWC`);
  }
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}

/** Reads a float32 tensor of the wasm backend (a copy, safe across heap growth). */
export function readFloats(fn: string, backend: BackendWasm, t: TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new ShapeError(`${fn}: expects float32 tensors, got ${t.dtype}`);
  return backend.readSync(t.dataId) as Float32Array;
}

/** A view of a float32 tensor on the wasm heap, without a copy; valid until the next allocation. */
export function heapFloats(fn: string, backend: BackendWasm, t: TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new ShapeError(`${fn}: expects float32 tensors, got ${t.dtype}`);
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** The sizes a gradient kernel loops over, in the short names of its formula. */
export interface ConvDims {
  n: number;
  h: number;
  w: number;
  ci: number;
  ho: number;
  wo: number;
  co: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
}

/** Flattens tfjs's conv info into {@link ConvDims}. */
export function convDims(info: backend_util.Conv2DInfo): ConvDims {
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    ci: info.inChannels,
    ho: info.outHeight,
    wo: info.outWidth,
    co: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}
