import type { Conv } from '@reparam/core';
import type { ConvDims } from './geometry.js';
import type { Executor } from './executor.js';
import type { Heap } from './heap.js';

/** True for a depthwise conv: one input channel per group (any multiplier, kernel, stride). */
export function depthwiseApplies(conv: Conv): boolean {
  return conv.shape[1] === 1;
}

/**
 * Depthwise conv by the direct SIMD kernel (assembly/depthwise.ts): pad the whole batch once,
 * then every output plane is independent (split between threads).
 */
export class DepthwiseConv {
  private readonly weights: number;

  constructor(
    private readonly heap: Heap,
    private readonly conv: Conv,
  ) {
    this.weights = heap.alloc(conv.weight.length);
    heap.write(this.weights, conv.weight);
  }

  /** y = conv(x) then the epilogue `epi`; pointers into the heap. */
  run(exec: Executor, x: number, y: number, d: ConvDims, epi: number): void {
    const [, , kh, kw] = this.conv.shape;
    const { stride, dilation, padding, groups } = this.conv.geometry;
    const [sh, sw] = stride;
    if (kh === 3 && kw === 3 && sh === sw && sh <= 2 && dilation.every((v) => v === 1)) {
      // 3x3 stride 1 or 2: the register-resident kernel, no padded copy.
      // A padded copy per plane (scratch) beats masking the border vectors, except for large
      // stride-2 planes, where the copy costs more than it saves (measured).
      const padded = (sh === 1 ? d.wo <= 128 : d.wo <= 32) && padding[0] >= 0 && padding[1] >= 0;
      const mark = this.heap.mark();
      const hp = (d.ho - 1) * sh + 3;
      const wp = (((Math.ceil(d.wo / 4) * 4 - 1) * sh + 3 + (sh === 2 ? 3 : 0) + 4) >> 2) << 2;
      const scratch = padded ? this.heap.alloc(d.n * d.o * hp * wp) : 0;
      const geo = [sh, padding[0], padding[1]] as const;
      const args = [
        x,
        d.h,
        d.w,
        d.c,
        d.o / groups,
        ...geo,
        this.weights,
        epi,
        y,
        d.ho,
        d.wo,
        scratch,
      ] as const;
      exec.run('depthwise3x3', [...args], 0, d.n * d.o, d.n * d.o * d.ho * d.wo * 9);
      this.heap.release(mark);
      return;
    }
    const [dh, dw] = dilation;
    const wo4 = Math.ceil(d.wo / 4) * 4;
    const hp = (d.ho - 1) * sh + (kh - 1) * dh + 1;
    // Room for the last 4-output block's taps plus an 8-float vector read.
    const wp = (wo4 - 1) * sw + (kw - 1) * dw + 9;
    const mark = this.heap.mark();
    const xp = this.heap.alloc(d.n * d.c * hp * wp);
    const pad = [x, d.h, d.w, padding[0], padding[1], xp, hp, wp, d.c, d.c * d.h * d.w] as const;
    exec.run('padPlanes', [...pad], 0, d.n * d.c, d.n * d.c * hp * wp);
    const m = d.o / groups;
    const geo = [kh, kw, sh, sw, dh, dw] as const;
    const args = [xp, hp, wp, d.c, m, ...geo, this.weights, epi] as const;
    const macs = d.n * d.o * d.ho * d.wo * kh * kw;
    exec.run('depthwiseConv', [...args, y, d.ho, d.wo], 0, d.n * d.o, macs);
    this.heap.release(mark);
  }
}
