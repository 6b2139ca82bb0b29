import type { Conv } from '@reparam/core';
import type { ConvDims } from './geometry.js';
import type { Executor } from './executor.js';
import type { Heap } from './heap.js';
import { packWinograd, packedRowsSize, type WinogradTile } from './pack.js';
import { groupEpilogue } from './epilogue.js';

/** Budget for one pass's transformed input and products (half of this machine's 2 MB L2). */
const CHUNK_BYTES = 1 << 20;

/** True when Winograd F(m x m, 3x3) computes `conv`: 3x3 kernel, stride 1, dilation 1. */
export function winogradApplies(conv: Conv): boolean {
  const { stride, dilation } = conv.geometry;
  return (
    conv.shape[2] === 3 &&
    conv.shape[3] === 3 &&
    stride[0] === 1 &&
    stride[1] === 1 &&
    dilation[0] === 1 &&
    dilation[1] === 1
  );
}

/**
 * 3x3 stride-1 conv by Winograd F(m x m, 3x3), m = 2 or 4, per group: pad -> input transform
 * ((m+2)^2 packed-B matrices) -> (m+2)^2 GEMMs over channels -> output transform with bias and
 * ReLU fused (assembly/winograd2.ts, assembly/winograd4.ts).
 */
export class WinogradConv {
  private readonly weights: number;
  private readonly xiSize: number;
  private readonly products: number;

  constructor(
    private readonly heap: Heap,
    private readonly conv: Conv,
    private readonly m: WinogradTile,
  ) {
    const [o, ig] = conv.shape;
    const groups = conv.geometry.groups;
    const og = o / groups;
    this.products = (m + 2) ** 2;
    this.xiSize = packedRowsSize(og, ig);
    const block = this.products * this.xiSize;
    const packed = new Float32Array(block * groups);
    for (let g = 0; g < groups; g++) {
      packWinograd(m, conv.weight, g * og * ig * 9, og, ig, packed.subarray(block * g));
    }
    this.weights = heap.alloc(packed.length);
    heap.write(this.weights, packed);
  }

  /** y = conv(x) then the epilogue `epi`; pointers into the heap. */
  run(exec: Executor, x: number, y: number, d: ConvDims, epi: number): void {
    const { m, products } = this;
    const ig = this.conv.shape[1];
    const og = d.o / this.conv.geometry.groups;
    const perImage = Math.ceil(d.ho / m) * Math.ceil(d.wo / m);
    // Images per pass: as many as keep the transformed input and products (V and M) within
    // CHUNK_BYTES, so they stay in L2; more images per pass mean fewer, larger jobs.
    const bytes = perImage * (ig + og) * products * 4;
    const chunk = Math.max(1, Math.min(d.n, Math.floor(CHUNK_BYTES / bytes)));
    const xImage = d.c * d.h * d.w;
    const yImage = d.o * d.ho * d.wo;
    for (let b = 0; b < d.n; b += chunk) {
      const n = Math.min(chunk, d.n - b);
      this.runImages(exec, x + b * xImage * 4, y + b * yImage * 4, { ...d, n }, epi);
    }
  }

  /** All d.n images in one pass: image b's tiles follow image b - 1's (GEMM N = n x tiles). */
  private runImages(exec: Executor, x: number, y: number, d: ConvDims, epi: number): void {
    const { m, products } = this;
    const ig = this.conv.shape[1];
    const { padding, groups } = this.conv.geometry;
    const og = d.o / groups;
    const th = Math.ceil(d.ho / m);
    const tw = Math.ceil(d.wo / m);
    const tiles = d.n * th * tw;
    const tp = Math.ceil(tiles / 8);
    // Padded planes: whole tiles, plus room for the 4-tile groups' vector loads.
    const hp = m * th + 2;
    const wp = Math.max(m * tw + 2, 4 * m * Math.ceil(tw / 4) + 4);
    const vStride = tp * 8 * ig;
    const ldm = tp * 8 + 4;
    const mStride = og * ldm;
    const mark = this.heap.mark();
    const xp = this.heap.alloc(d.n * ig * hp * wp);
    const v = this.heap.alloc(products * vStride);
    const mm = this.heap.alloc(products * mStride);
    const input = m === 2 ? 'winograd2Input' : 'winograd4Input';
    const output = m === 2 ? 'winograd2Output' : 'winograd4Output';
    const xImage = d.c * d.h * d.w;
    const yImage = d.o * d.ho * d.wo;
    for (let g = 0; g < groups; g++) {
      const xg = x + g * ig * d.h * d.w * 4;
      const pad = [xg, d.h, d.w, padding[0], padding[1], xp, hp, wp, ig, xImage] as const;
      exec.run('padPlanes', [...pad], 0, d.n * ig);
      exec.run(input, [xp, hp, wp, ig, th, tw, v, vStride], 0, d.n * ig);
      const w = this.weights + products * this.xiSize * g * 4;
      const gemm = [w, this.xiSize, v, vStride, og, ig, tiles, mm, mStride, ldm] as const;
      exec.run('gemmBatched', [...gemm], 0, products);
      const yg = y + g * og * d.ho * d.wo * 4;
      const ge = groupEpilogue(this.heap, epi, g * og);
      const out = [mm, ldm, mStride, th, tw, yg, d.ho, d.wo, ge, og, yImage] as const;
      exec.run(output, [...out], 0, d.n * og);
    }
    this.heap.release(mark);
  }
}
