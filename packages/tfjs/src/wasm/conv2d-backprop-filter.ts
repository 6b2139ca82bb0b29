import { getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ShapeError } from '@reparam/core';
import { convDims, convInfo, type GradAttrs } from './conv-info.js';

/** Largest im2col chunk, in floats (16 MB), so big batches never need a huge temporary. */
const CHUNK_FLOATS = 1 << 22;

/**
 * Weight gradient of a 2-D convolution for the tfjs wasm backend (which ships none):
 * `dW[kh, kw, ci, co] = sum_{n, oh, ow} x[n, oh*sh + kh*dh - top, ow*sw + kw*dw - left, ci] * dy[n, oh, ow, co]`.
 *
 * Written as a transposed im2col in JS, `P[(kh, kw, ci), (n, oh, ow)]`, times `dy` reshaped to
 * `[n*oh*ow, co]`, using the wasm backend's own matrix product; the result is already HWIO. Any
 * stride, padding (`valid`, `same`, explicit), dilation and rounding mode; batches are chunked.
 */
export const conv2dBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const fn = 'Conv2DBackpropFilter(wasm)';
  const b = backend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as GradAttrs & { filterShape: [number, number, number, number] };
  const info = convInfo(fn, x.shape, a.filterShape, a, false);
  const { n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, top, left } = convDims(info);
  if (x.dtype !== 'float32' || dy.dtype !== 'float32')
    throw new ShapeError(`${fn}: expects float32 tensors, got ${x.dtype} and ${dy.dtype}`);
  const matMul = getKernel('BatchMatMul', 'wasm');
  if (matMul === undefined) throw new Error(`${fn}: the wasm backend has no BatchMatMul kernel`);
  const transpose = getKernel('Transpose', 'wasm');
  const pointwise =
    kh === 1 && kw === 1 && sh === 1 && sw === 1 && top === 0 && left === 0 && ho === h && wo === w;
  if (pointwise && transpose !== undefined) {
    // A 1x1 stride-1 unpadded conv: im2col is x itself, so dW = x^T dy with the backend's own
    // transpose and matrix product, no JS loop.
    const m = n * h * w;
    const xt = transpose.kernelFunc({
      inputs: { x: { dataId: x.dataId, shape: [m, ci], dtype: 'float32' } },
      backend: b,
      attrs: { perm: [1, 0] },
    }) as TensorInfo;
    const out = matMul.kernelFunc({
      inputs: { a: xt, b: { dataId: dy.dataId, shape: [m, co], dtype: 'float32' } },
      backend: b,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    b.disposeData(xt.dataId);
    return { ...out, shape: [1, 1, ci, co] };
  }
  const k = kh * kw * ci;
  const per = ho * wo;
  const nb = Math.max(1, Math.min(n, Math.floor(CHUNK_FLOATS / Math.max(1, k * per))));
  const single = nb >= n;
  const acc = single ? undefined : new Float32Array(k * co);
  for (let n0 = 0; n0 < n; n0 += nb) {
    const nc = Math.min(nb, n - n0);
    const m = nc * per;
    // The im2col matrix is written straight into the wasm heap; views are taken after every
    // allocation, since growing the heap detaches earlier views.
    const pt = b.makeOutput([k, m], 'float32');
    const dyc: TensorInfo = single
      ? { dataId: dy.dataId, shape: [m, co], dtype: 'float32' }
      : b.makeOutput([m, co], 'float32');
    const xs = b.typedArrayFromHeap(x) as Float32Array;
    const dys = b.typedArrayFromHeap(dy) as Float32Array;
    const p = b.typedArrayFromHeap(pt) as Float32Array;
    if (!single)
      (b.typedArrayFromHeap(dyc) as Float32Array).set(
        dys.subarray(n0 * per * co, (n0 + nc) * per * co),
      );
    p.fill(0);
    for (let y = 0; y < kh; y++) {
      for (let xk = 0; xk < kw; xk++) {
        for (let bi = 0; bi < nc; bi++) {
          const xb = (n0 + bi) * h * w * ci;
          for (let oy = 0; oy < ho; oy++) {
            const iy = oy * sh + y * dh - top;
            if (iy < 0 || iy >= h) continue;
            for (let ox = 0; ox < wo; ox++) {
              const ix = ox * sw + xk * dw - left;
              if (ix < 0 || ix >= w) continue;
              const src = xb + (iy * w + ix) * ci;
              const col = bi * per + oy * wo + ox;
              let row = (y * kw + xk) * ci;
              for (let c = 0; c < ci; c++, row++) p[row * m + col] = xs[src + c];
            }
          }
        }
      }
    }
    const out = matMul.kernelFunc({
      inputs: { a: pt, b: dyc },
      backend: b,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    b.disposeData(pt.dataId);
    if (acc === undefined) {
      // One chunk: the product [1, k, co] already is the HWIO gradient.
      return { ...out, shape: [kh, kw, ci, co] };
    }
    b.disposeData(dyc.dataId);
    const r = b.typedArrayFromHeap(out) as Float32Array;
    for (let i = 0; i < acc.length; i++) acc[i] += r[i];
    b.disposeData(out.dataId);
  }
  return b.makeOutput([kh, kw, ci, co], 'float32', undefined, acc ?? new Float32Array(k * co));
};

/** Kernel registration record for {@link conv2dBackpropFilterWasm}. */
export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm,
};
