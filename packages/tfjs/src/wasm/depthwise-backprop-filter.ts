import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convDims, convInfo, heapFloats, type GradAttrs } from './conv-info.js';
import { forEachDepthwiseTap } from './depthwise-taps.js';

/**
 * Filter gradient of a depthwise convolution for the tfjs wasm backend:
 * `dW[kh, kw, c, j] = sum_{n, oh, ow} x[n, oh*sh + kh*dh - top, ow*sw + kw*dw - left, c] * dy[n, oh, ow, c*M + j]`
 * (tfjs's channel-multiplier layout). A direct loop in JS over views of the wasm heap; any stride,
 * padding and dilation.
 */
export const depthwiseBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const fn = 'DepthwiseConv2dNativeBackpropFilter(wasm)';
  const b = backend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as GradAttrs & { filterShape: [number, number, number, number] };
  const info = convInfo(fn, x.shape, a.filterShape, a, true);
  const dims = convDims(info);
  const { ci: c, co, kh, kw } = dims;
  const mult = co / c;
  // Views of the heap: nothing is allocated until the result is written out.
  const xs = heapFloats(fn, b, x);
  const dys = heapFloats(fn, b, dy);
  const out = new Float32Array(kh * kw * co);
  forEachDepthwiseTap(dims, (x0, w0, d0) => {
    if (mult === 1) {
      for (let ch = 0; ch < c; ch++) out[w0 + ch] += xs[x0 + ch] * dys[d0 + ch];
      return;
    }
    for (let ch = 0; ch < c; ch++) {
      const xv = xs[x0 + ch];
      for (let j = 0; j < mult; j++) out[w0 + ch * mult + j] += xv * dys[d0 + ch * mult + j];
    }
  });
  return b.makeOutput([kh, kw, c, mult], 'float32', undefined, out);
};

/** Kernel registration record for {@link depthwiseBackpropFilterWasm}. */
export const depthwiseBackpropFilterWasmConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilterWasm,
};
