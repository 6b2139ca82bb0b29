import type { Conv } from '@reparam/core';
import type { WasmConvRuntime } from '../conv-runtime.js';
import { depthwiseToOihw, hwioToOihw } from './layout.js';
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

/**
 * Forward conv kernels for tfjs on this package's runtime: `Conv2D`, `FusedConv2D` (bias of one
 * value per output channel or a scalar, activation linear or relu) and `DepthwiseConv2dNative`.
 * Anything else (prelu, NCHW data...) goes to `fallback[name]`, the kernel registered before.
 */
export function forwardKernels(
  tf: TfApi,
  rt: WasmConvRuntime,
  fallback: Record<string, KernelFunc | undefined>,
): Record<string, KernelFunc> {
  const make =
    (name: string, depthwise: boolean, fused: boolean): KernelFunc =>
    (args) => {
      const backend = args.backend as Backend;
      const { x, filter, bias, preluActivationWeights } = args.inputs as {
        x: TensorInfo;
        filter: TensorInfo;
        bias?: TensorInfo;
        preluActivationWeights?: TensorInfo;
      };
      const a = args.attrs as unknown as ConvAttrs;
      const activation = fused ? (a.activation ?? 'linear') : 'linear';
      const fs = nhwc(filter.shape);
      const channels = depthwise ? fs[2] * fs[3] : fs[3];
      const biasSize = bias?.shape.reduce((p, q) => p * q, 1) ?? 0;
      const supported =
        a.dataFormat !== 'NCHW' &&
        preluActivationWeights === undefined &&
        (activation === 'linear' || activation === 'relu') &&
        (bias === undefined || biasSize === channels || biasSize === 1);
      if (!supported) {
        const other = fallback[name];
        if (other === undefined) {
          throw new Error(
            `${name}(@reparam/wasm): unsupported attributes and no kernel to fall back on`,
          );
        }
        return other(args);
      }
      const fn = `${name}(@reparam/wasm)`;
      const g = geometryOf(tf, fn, nhwc(x.shape), fs, a, depthwise);
      const f = floats(fn, backend, filter);
      const b = bias === undefined ? new Float32Array(channels) : floats(fn, backend, bias);
      const conv: Conv = {
        shape: [g.y[1], depthwise ? 1 : g.x[1], g.kh, g.kw],
        weight: depthwise ? depthwiseToOihw(f, fs) : hwioToOihw(f, fs),
        bias: b.length === channels ? b : new Float32Array(channels).fill(b[0]),
        geometry: g.geometry,
      };
      const xs = floats(fn, backend, x);
      const y = rt.conv2d(xs, g.x, conv, { relu: activation === 'relu', layout: 'nhwc' });
      return output(backend, y.data, [g.y[0], g.y[2], g.y[3], g.y[1]]);
    };
  return {
    Conv2D: make('Conv2D', false, false),
    FusedConv2D: make('FusedConv2D', false, true),
    DepthwiseConv2dNative: make('DepthwiseConv2dNative', true, false),
  };
}
