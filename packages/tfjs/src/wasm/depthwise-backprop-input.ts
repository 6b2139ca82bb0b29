import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convDims, convInfo, readFloats, type GradAttrs } from './conv-info.js';
import { forEachDepthwiseTap } from './depthwise-taps.js';
import { inputGradientByPhases } from './transposed-conv.js';

/**
 * Input gradient of a depthwise convolution for the tfjs wasm backend:
 * `dx[n, iy, ix, c] = sum dy[n, oy, ox, c*M + j] * W[kh, kw, c, j]` over the taps with
 * `iy = oy*sh + kh*dh - top`, `ix = ox*sw + kw*dw - left`. Undilated: depthwise forward convs
 * of dy on the backend's XNNPACK kernel, one per output phase (`inputGradientByPhases`);
 * otherwise a direct scatter loop in JS.
 */
export const depthwiseBackpropInputWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const fn = 'DepthwiseConv2dNativeBackpropInput(wasm)';
  const b = backend as BackendWasm;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as GradAttrs & { inputShape: [number, number, number, number] };
  const info = convInfo(fn, a.inputShape, filter.shape, a, true);
  const dims = convDims(info);
  const { n, h, w, ci: c, co } = dims;
  const mult = co / c;
  const ws = readFloats(fn, b, filter);
  if (dims.dh === 1 && dims.dw === 1) {
    const pads = { top: info.padInfo.top, left: info.padInfo.left };
    const dx = inputGradientByPhases(b, dy, ws, dims, pads, true);
    if (dx !== undefined) return dx;
  }
  const dys = readFloats(fn, b, dy);
  const dx = new Float32Array(n * h * w * c);
  forEachDepthwiseTap(dims, (x0, w0, d0) => {
    if (mult === 1) {
      for (let ch = 0; ch < c; ch++) dx[x0 + ch] += dys[d0 + ch] * ws[w0 + ch];
      return;
    }
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let j = 0; j < mult; j++) s += dys[d0 + ch * mult + j] * ws[w0 + ch * mult + j];
      dx[x0 + ch] += s;
    }
  });
  return b.makeOutput([n, h, w, c], 'float32', undefined, dx);
};

/** Kernel registration record for {@link depthwiseBackpropInputWasm}. */
export const depthwiseBackpropInputWasmConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInputWasm,
};
