import type { Conv } from '@reparam/core';
import type { ConvDims } from './geometry.js';
import type { Executor } from './executor.js';
import type { Heap } from './heap.js';
import { packWinograd2, packedRowsSize } from './pack.js';

/** True when Winograd F(2x2, 3x3) computes `conv`: 3x3 kernel, stride 1, dilation 1. */
export function winograd2Applies(conv: Conv): boolean {
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
 * 3x3 stride-1 conv by Winograd F(2x2, 3x3), per group: pad -> input transform (16 packed-B
 * matrices) -> 16 GEMMs over channels -> output transform with bias and ReLU fused.
 */
export class Winograd2Conv {
  private readonly weights: number;
  private readonly bias: number;
  private readonly xiSize: number;

  constructor(
    private readonly heap: Heap,
    private readonly conv: Conv,
    private readonly relu: boolean,
  ) {
    const [o, ig] = conv.shape;
    const groups = conv.geometry.groups;
    const og = o / groups;
    this.xiSize = packedRowsSize(og, ig);
    const packed = new Float32Array(16 * this.xiSize * groups);
    for (let g = 0; g < groups; g++) {
      packWinograd2(conv.weight, g * og * ig * 9, og, ig, packed.subarray(16 * this.xiSize * g));
    }
    this.weights = heap.alloc(packed.length);
    heap.write(this.weights, packed);
    this.bias = heap.alloc(o);
    heap.write(this.bias, conv.bias);
  }

  run(exec: Executor, x: number, y: number, d: ConvDims): void {
    const ig = this.conv.shape[1];
    const { padding, groups } = this.conv.geometry;
    const og = d.o / groups;
    const th = Math.ceil(d.ho / 2);
    const tw = Math.ceil(d.wo / 2);
    const tiles = th * tw;
    const tp = Math.ceil(tiles / 8);
    const hp = 2 * th + 2;
    const wp = Math.max(2 * tw + 2, 8 * Math.ceil(tw / 4) + 2);
    const vStride = tp * 8 * ig;
    const ldm = tp * 8 + 4;
    const mStride = og * ldm;
    const mark = this.heap.mark();
    const xp = this.heap.alloc(ig * hp * wp);
    const v = this.heap.alloc(16 * vStride);
    const m = this.heap.alloc(16 * mStride);
    const relu = this.relu ? 1 : 0;
    for (let b = 0; b < d.n; b++) {
      for (let g = 0; g < groups; g++) {
        const xg = x + (b * d.c + g * ig) * d.h * d.w * 4;
        exec.run('padPlanes', [xg, d.h, d.w, padding[0], padding[1], xp, hp, wp], 0, ig);
        exec.run('winograd2Input', [xp, hp, wp, ig, th, tw, v, vStride], 0, ig);
        const w = this.weights + 16 * this.xiSize * g * 4;
        const gemm = [w, this.xiSize, v, vStride, og, ig, tiles, m, mStride, ldm] as const;
        exec.run('gemmBatched', [...gemm], 0, 16);
        const yg = y + (b * d.o + g * og) * d.ho * d.wo * 4;
        const bias = this.bias + g * og * 4;
        const out = [m, ldm, mStride, th, tw, yg, d.ho, d.wo, bias, relu] as const;
        exec.run('winograd2Output', [...out], 0, og);
      }
    }
    this.heap.release(mark);
  }
}
