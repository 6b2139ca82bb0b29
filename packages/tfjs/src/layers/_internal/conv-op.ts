import * as tf from '@tensorflow/tfjs';
import { hwioToOihw, depthwiseToOihw, type Shape4 } from '../../layout.js';

/** `[top, left, bottom, right]`, core's order. */
export type Pad4 = readonly [number, number, number, number];

/** tfjs explicit padding for NHWC from core's `[top, left, bottom, right]`. */
export function explicitPad(p: Pad4): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [p[0], p[2]],
    [p[1], p[3]],
    [0, 0],
  ];
}

/**
 * One convolution of a training-form branch, NHWC: `tf.conv2d` for a dense HWIO kernel,
 * `tf.depthwiseConv2d` for a `[kh, kw, c, m]` kernel; explicit padding.
 */
export function convOp(
  x: tf.Tensor4D,
  kernel: tf.Tensor,
  stride: number,
  padding: Pad4,
  depthwise: boolean,
): tf.Tensor4D {
  const k = kernel as tf.Tensor4D;
  const pad = padding.every((v) => v === 0) ? 'valid' : explicitPad(padding);
  return depthwise ? tf.depthwiseConv2d(x, k, stride, pad) : tf.conv2d(x, k, stride, pad);
}

/** A branch kernel (HWIO, or `[kh, kw, c, m]` when depthwise) as core's float64 OIHW weight. */
export function kernelOihw(kernel: tf.LayerVariable | tf.Tensor, depthwise: boolean): Float64Array {
  const t = kernel instanceof tf.LayerVariable ? kernel.read() : kernel;
  const shape = t.shape as unknown as Shape4;
  const data = t.dataSync();
  return depthwise ? depthwiseToOihw(data, shape).weight : hwioToOihw(data, shape).weight;
}

/** Output length of a window: `floor((size + padBefore + padAfter - k) / stride) + 1`, or null. */
export function windowLength(
  size: number | null,
  k: number,
  stride: number,
  before: number,
  after: number,
): number | null {
  return size === null ? null : Math.floor((size + before + after - k) / stride) + 1;
}
