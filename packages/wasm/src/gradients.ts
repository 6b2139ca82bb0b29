import { ShapeError, type Conv, type Geometry } from '@reparam/core';
import type { WasmConvRuntime } from './conv-runtime.js';
import { convDims, validateConv, type ConvDims } from './_internal/geometry.js';
import { packRows, packedRowsSize } from './_internal/pack.js';
import { stageIn, stageOut, type Layout } from './_internal/staging.js';
import { writeEpilogue } from './_internal/epilogue.js';

/** Options of the gradient functions. */
export interface GradientOptions {
  /**
   * Memory layout of the activations (x, dy and the returned dx): `'nchw'` (default) or
   * `'nhwc'` (tfjs's), converted inside wasm. Shapes are always given as [n, c, h, w].
   */
  readonly layout?: Layout;
}

/** Gradients of a conv's parameters: `weight` OIHW like the conv's, `bias` one per output. */
export interface ConvParamGradients {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

function checkDy(fn: string, dy: ArrayLike<number>, d: ConvDims): void {
  const size = d.n * d.o * d.ho * d.wo;
  if (dy.length !== size) {
    throw new ShapeError(
      `${fn}: dy has ${dy.length} values, the output [${d.n}, ${d.o}, ${d.ho}, ${d.wo}] needs ${size}`,
    );
  }
}

function geo8(g: Geometry, kh: number, kw: number) {
  const { stride: s, dilation: dl, padding: p } = g;
  return [kh, kw, s[0], s[1], dl[0], dl[1], p[0], p[1]] as const;
}

/**
 * Input gradient of `y = conv(x)`: `dx[n, c, iy, ix] = sum dy[n, o, oy, ox] W[o, c, i, j]` over
 * the taps that read (iy, ix) (a transposed convolution). Any stride, dilation, padding, groups.
 * Per group and image: dcol (Kc x P) = W_g^T dY_g by SIMD GEMM, then col2im. NCHW float32.
 */
export function convInputGradient(
  rt: WasmConvRuntime,
  dy: ArrayLike<number>,
  conv: Conv,
  inputShape: readonly number[],
  options: GradientOptions = {},
): Float32Array {
  const fn = 'convInputGradient';
  validateConv(fn, conv);
  const d = convDims(fn, conv, inputShape);
  checkDy(fn, dy, d);
  const layout = options.layout ?? 'nchw';
  const { heap, exec } = rt;
  const transposed = stride1Transpose(conv);
  if (transposed !== undefined) {
    const mark = heap.mark();
    try {
      const prepared = rt.prepare(transposed);
      const dyp = stageIn(rt, dy, [d.n, d.o, d.ho, d.wo], layout);
      const dx = heap.alloc(d.n * d.c * d.h * d.w);
      prepared.runPointers(dyp, dx, prepared.dims([d.n, d.o, d.ho, d.wo]));
      return stageOut(rt, dx, [d.n, d.c, d.h, d.w], layout);
    } finally {
      heap.release(mark);
    }
  }
  const [, cg, kh, kw] = conv.shape;
  const g = conv.geometry.groups;
  const og = d.o / g;
  const kc = cg * kh * kw;
  const p = d.ho * d.wo;
  const mark = heap.mark();
  try {
    // A_g = W_g^T: Kc rows of Og, packed once per call (weights change every training step).
    const aSize = packedRowsSize(kc, og);
    const packed = new Float32Array(aSize * g);
    const wt = new Float32Array(kc * og);
    for (let gi = 0; gi < g; gi++) {
      for (let o = 0; o < og; o++) {
        for (let k = 0; k < kc; k++) wt[k * og + o] = conv.weight[(gi * og + o) * kc + k];
      }
      packRows(wt, 0, kc, og, packed.subarray(gi * aSize));
    }
    const a = heap.alloc(packed.length);
    heap.write(a, packed);
    const dyp = stageIn(rt, dy, [d.n, d.o, d.ho, d.wo], layout);
    const panels = Math.ceil(p / 8);
    const cols = heap.alloc(panels * 8 * og);
    const dcol = heap.alloc(kc * p);
    const dx = heap.alloc(d.n * d.c * d.h * d.w);
    const geo = geo8(conv.geometry, kh, kw);
    for (let b = 0; b < d.n; b++) {
      for (let gi = 0; gi < g; gi++) {
        const dyg = dyp + (b * d.o + gi * og) * p * 4;
        exec.run(
          'im2col',
          [dyg, og, d.ho, d.wo, 1, 1, 1, 1, 1, 1, 0, 0, d.ho, d.wo, cols],
          0,
          panels,
        );
        exec.run('gemm', [a + gi * aSize * 4, cols, kc, og, p, dcol, p, 0], 0, panels);
        const dxg = dx + (b * d.c + gi * cg) * d.h * d.w * 4;
        exec.run('col2im', [dcol, d.h, d.w, ...geo, d.ho, d.wo, dxg], 0, cg);
      }
    }
    return stageOut(rt, dx, [d.n, d.c, d.h, d.w], layout);
  } finally {
    heap.release(mark);
  }
}

/**
 * Parameter gradients of `y = conv(x) + b` with the conv's geometry and `shape` (OIHW):
 * `dW[o, c, i, j] = sum_{n, oy, ox} dy[n, o, oy, ox] x[n, g c, oy sh - pt + i dh, ox sw - pl + j dw]`
 * and `db[o] = sum dy[n, o, :, :]`. Per group: dW_g = dY_g (Og x nP) colT_g (nP x Kc), SIMD GEMM.
 */
export function convWeightGradient(
  rt: WasmConvRuntime,
  input: ArrayLike<number>,
  inputShape: readonly number[],
  dy: ArrayLike<number>,
  shape: readonly [number, number, number, number],
  geometry: Geometry,
  options: GradientOptions = {},
): ConvParamGradients {
  const fn = 'convWeightGradient';
  const [o, cg, kh, kw] = shape;
  const probe: Conv = {
    shape,
    weight: new Float32Array(o * cg * kh * kw),
    bias: new Float32Array(o),
    geometry,
  };
  validateConv(fn, probe);
  const d = convDims(fn, probe, inputShape);
  checkDy(fn, dy, d);
  const inSize = d.n * d.c * d.h * d.w;
  if (input.length !== inSize) {
    throw new ShapeError(
      `${fn}: input has ${input.length} values, shape [${inputShape.join(', ')}] needs ${inSize}`,
    );
  }
  const { heap } = rt;
  const g = geometry.groups;
  const og = o / g;
  const kc = cg * kh * kw;
  const p = d.ho * d.wo;
  const mark = heap.mark();
  try {
    const layout = options.layout ?? 'nchw';
    const x = stageIn(rt, input, [d.n, d.c, d.h, d.w], layout);
    const dyp = stageIn(rt, dy, [d.n, d.o, d.ho, d.wo], layout);
    const dw = heap.alloc(o * kc);
    if (geometry.stride[0] === 1 && geometry.stride[1] === 1) {
      weightGradStride1(rt, x, dyp, d, [og, cg, kh, kw], geometry, dw);
    } else {
      weightGradPacked(rt, x, dyp, d, [og, cg, kh, kw], geometry, dw);
    }
    const bias = new Float32Array(o);
    const dyv = heap.f32(dyp, dy.length);
    for (let b = 0; b < d.n; b++) {
      for (let c = 0; c < o; c++) {
        let s = 0;
        const base = (b * o + c) * p;
        for (let i = 0; i < p; i++) s += dyv[base + i];
        bias[c] += s;
      }
    }
    return { weight: heap.f32(dw, o * kc).slice(), bias };
  } finally {
    heap.release(mark);
  }
}

/**
 * For a stride-1 3x3 conv wide enough for Winograd, or a stride-1 depthwise conv with multiplier
 * 1, the conv whose forward pass is this conv's input gradient: weights flipped in space with
 * in/out swapped per group, same dilation, padding `(k - 1) d - p` on each side (the transposed
 * convolution). Undefined otherwise.
 */
function stride1Transpose(conv: Conv): Conv | undefined {
  const [o, cg, kh, kw] = conv.shape;
  const { stride, dilation, padding, groups } = conv.geometry;
  const og = o / groups;
  if (stride[0] !== 1 || stride[1] !== 1) return undefined;
  const [dh, dw] = dilation;
  const winograd = kh === 3 && kw === 3 && dh === 1 && dw === 1 && og >= 8 && cg >= 8;
  // Depthwise with multiplier 1 transposes to a depthwise conv (the direct kernel).
  const depthwise = og === 1 && cg === 1;
  if (!winograd && !depthwise) return undefined;
  const weight = new Float32Array(conv.weight.length);
  for (let g = 0; g < groups; g++)
    for (let oo = 0; oo < og; oo++)
      for (let c = 0; c < cg; c++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const from = (((g * og + oo) * cg + c) * kh + i) * kw + j;
            const to = (((g * cg + c) * og + oo) * kh + (kh - 1 - i)) * kw + (kw - 1 - j);
            weight[to] = conv.weight[from];
          }
  const [pt, pl, pb, pr] = padding;
  return {
    shape: [groups * cg, og, kh, kw],
    weight,
    bias: new Float32Array(groups * cg),
    geometry: {
      stride: [1, 1],
      padding: [(kh - 1) * dh - pt, (kw - 1) * dw - pl, (kh - 1) * dh - pb, (kw - 1) * dw - pr],
      dilation: [dh, dw],
      groups,
    },
  };
}

type GroupShape = readonly [og: number, cg: number, kh: number, kw: number];

/** Stride 1: direct correlation of padded rows (assembly/weight-grad-direct.ts), no packing. */
function weightGradStride1(
  rt: WasmConvRuntime,
  x: number,
  dy: number,
  d: ConvDims,
  [og, cg, kh, kw]: GroupShape,
  geometry: Geometry,
  dw: number,
): void {
  const { heap, exec } = rt;
  const [dh, dwl] = geometry.dilation;
  const [pt, pl] = geometry.padding;
  const wd = Math.ceil(d.wo / 4) * 4;
  const hp = d.ho + (kh - 1) * dh;
  const wp = wd + (kw + 2) * dwl;
  const p = d.ho * d.wo;
  heap.f32(dw, d.o * cg * kh * kw).fill(0);
  // Images per pass: padded copies of up to ~4 MB, all images of a pass in one kernel call.
  const perImage = (cg * hp * wp + og * d.ho * wd) * 4;
  const chunk = Math.max(1, Math.min(d.n, Math.floor((4 << 20) / perImage)));
  const xp = heap.alloc(chunk * cg * hp * wp);
  const dyp = heap.alloc(chunk * og * d.ho * wd);
  const xImage = d.c * d.h * d.w;
  const dyImage = d.o * p;
  for (let b = 0; b < d.n; b += chunk) {
    const n = Math.min(chunk, d.n - b);
    for (let g = 0; g < geometry.groups; g++) {
      const xg = x + (b * d.c + g * cg) * d.h * d.w * 4;
      exec.run('padPlanes', [xg, d.h, d.w, pt, pl, xp, hp, wp, cg, xImage], 0, n * cg);
      const dyg = dy + (b * d.o + g * og) * p * 4;
      exec.run('padPlanes', [dyg, d.ho, d.wo, 0, 0, dyp, d.ho, wd, og, dyImage], 0, n * og);
      const dwg = dw + g * og * cg * kh * kw * 4;
      const args = [xp, hp, wp, dyp, og, d.ho, wd, cg, kh, kw, dh, dwl, dwg, n] as const;
      exec.run('weightGradDirect', [...args], 0, cg);
    }
  }
}

/** Any stride: per image, transposed im2col + GEMM accumulating into dW (epilogue flag). */
function weightGradPacked(
  rt: WasmConvRuntime,
  x: number,
  dy: number,
  d: ConvDims,
  [og, cg, kh, kw]: GroupShape,
  geometry: Geometry,
  dw: number,
): void {
  const { heap, exec } = rt;
  const kc = cg * kh * kw;
  const p = d.ho * d.wo;
  const rowPanels = Math.ceil(og / 4);
  const colPanels = Math.ceil(kc / 8);
  const a = heap.alloc(rowPanels * 4 * p);
  const bcols = heap.alloc(colPanels * 8 * p);
  const geo = geo8(geometry, kh, kw);
  const accumulate = writeEpilogue(heap, { bias: 0, accumulate: true });
  for (let b = 0; b < d.n; b++) {
    const xb = x + b * d.c * d.h * d.w * 4;
    const dyb = dy + b * d.o * p * 4;
    for (let gi = 0; gi < geometry.groups; gi++) {
      exec.run('packGradRows', [dyb, 1, d.o, p, gi * og, og, a], 0, rowPanels);
      const colArgs = [xb, 1, d.c, d.h, d.w, gi * cg, cg, ...geo, d.ho, d.wo, bcols] as const;
      exec.run('im2colT', [...colArgs], 0, colPanels);
      const epi = b > 0 ? accumulate : 0;
      exec.run('gemm', [a, bcols, og, p, kc, dw + gi * og * kc * 4, kc, epi], 0, colPanels);
    }
  }
}
