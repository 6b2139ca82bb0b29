import { getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convDims, convInfo, readFloats, type GradAttrs } from './conv-info.js';

/**
 * Input gradient of an undilated 2-D convolution as a forward convolution, so it runs on the
 * wasm backend's fast (XNNPACK) Conv2D: `dx = conv(spread(dy), W')` with `W'[y, x, o, i] =
 * W[kh-1-y, kw-1-x, i, o]`, padding `top' = kh-1-top`, `left' = kw-1-left`, the far sides chosen
 * so the output has the input's size, and `spread` inserting stride - 1 zeros between the
 * values of dy (none at stride 1). Dilated convs, or padding beyond the kernel, go to
 * `fallback`, tfjs-backend-wasm's own kernel.
 */
export function conv2dBackpropInputWasm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const fn = 'Conv2DBackpropInput(wasm)';
    const b = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as GradAttrs & { inputShape: [number, number, number, number] };
    const info = convInfo(fn, a.inputShape, filter.shape, a, false);
    const { h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw } = convDims(info);
    // With stride s, dy is first spread onto a grid with s - 1 zeros between rows and columns.
    const hd = (ho - 1) * sh + 1;
    const wd = (wo - 1) * sw + 1;
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = h - hd - top + kh - 1;
    const right = w - wd - left + kw - 1;
    const conv = getKernel('Conv2D', 'wasm');
    if (dh !== 1 || dw !== 1 || Math.min(top, left, bottom, right) < 0 || conv === undefined)
      return fallback(args);
    const ws = readFloats(fn, b, filter);
    const flipped = new Float32Array(ws.length);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < ci; i++)
          for (let o = 0; o < co; o++)
            flipped[((y * kw + x) * co + o) * ci + i] =
              ws[(((kh - 1 - y) * kw + (kw - 1 - x)) * ci + i) * co + o];
    const f = b.makeOutput([kh, kw, co, ci], 'float32', undefined, flipped);
    const strided = sh !== 1 || sw !== 1;
    const spread = strided ? b.makeOutput([info.batchSize, hd, wd, co], 'float32') : dy;
    if (strided) {
      const src = b.typedArrayFromHeap(dy) as Float32Array;
      const dst = b.typedArrayFromHeap(spread) as Float32Array;
      dst.fill(0);
      for (let n = 0; n < info.batchSize; n++)
        for (let y = 0; y < ho; y++)
          for (let x = 0; x < wo; x++) {
            const from = ((n * ho + y) * wo + x) * co;
            dst.set(src.subarray(from, from + co), ((n * hd + y * sh) * wd + x * sw) * co);
          }
    }
    const out = conv.kernelFunc({
      inputs: { x: spread, filter: f },
      backend: b,
      attrs: {
        strides: 1,
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: 1,
      },
    }) as TensorInfo;
    b.disposeData(f.dataId);
    if (strided) b.disposeData(spread.dataId);
    return out;
  };
}

/** Replaces tfjs-backend-wasm's `Conv2DBackpropInput` by {@link conv2dBackpropInputWasm} around it. */
export function conv2dBackpropInputWasmConfig(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: conv2dBackpropInputWasm(original.kernelFunc) };
}
