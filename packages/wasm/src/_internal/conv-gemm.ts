import type { Conv } from '@reparam/core';
import type { ConvDims } from './geometry.js';
import type { Executor } from './executor.js';
import type { Heap } from './heap.js';
import { packRows, packedRowsSize } from './pack.js';
import { groupEpilogue } from './epilogue.js';

/**
 * General conv as per-group im2col + GEMM (any kernel, stride, dilation, padding, groups); a
 * 1x1 stride-1 unpadded conv reads its input rows in place (no im2col).
 */
export class GemmConv {
  private readonly weights: number;
  private readonly groupSize: number;

  constructor(
    private readonly heap: Heap,
    private readonly conv: Conv,
  ) {
    const [o, ig, kh, kw] = conv.shape;
    const groups = conv.geometry.groups;
    const og = o / groups;
    const k = ig * kh * kw;
    this.groupSize = packedRowsSize(og, k);
    this.weights = heap.alloc(this.groupSize * groups);
    const packed = new Float32Array(this.groupSize * groups);
    for (let g = 0; g < groups; g++) {
      packRows(conv.weight, g * og * k, og, k, packed.subarray(g * this.groupSize));
    }
    heap.write(this.weights, packed);
  }

  /**
   * y (n x o x ho x wo) = conv(x (n x c x h x w)) then the epilogue `epi` (written for the
   * whole y); pointers into the heap.
   */
  run(exec: Executor, x: number, y: number, d: ConvDims, epi: number): void {
    const [, ig, kh, kw] = this.conv.shape;
    const { stride: s, dilation: dl, padding: p, groups } = this.conv.geometry;
    const og = d.o / groups;
    const k = ig * kh * kw;
    const npix = d.ho * d.wo;
    const panels = Math.ceil(npix / 8);
    const mark = this.heap.mark();
    const pointwise = kh === 1 && kw === 1 && s[0] === 1 && s[1] === 1 && p.every((v) => v === 0);
    const cols = pointwise ? 0 : this.heap.alloc(panels * 8 * k);
    const epis = Array.from({ length: groups }, (_, g) => groupEpilogue(this.heap, epi, g * og));
    for (let b = 0; b < d.n; b++) {
      for (let g = 0; g < groups; g++) {
        const xg = x + (b * d.c + g * ig) * d.h * d.w * 4;
        const w = this.weights + g * this.groupSize * 4;
        const yg = y + (b * d.o + g * og) * npix * 4;
        const macs = og * k * npix;
        if (pointwise) {
          const args = [w, xg, og, k, npix, yg, npix, epis[g]] as const;
          // Few column panels (small maps) split unevenly between threads: split the rows.
          const rowPanels = Math.ceil(og / 4);
          if (panels < 4 * exec.threads && rowPanels > panels)
            exec.run('gemmRowsByRows', [...args], 0, rowPanels, macs);
          else exec.run('gemmRows', [...args], 0, panels, macs);
          continue;
        }
        const geo = [kh, kw, s[0], s[1], dl[0], dl[1], p[0], p[1]] as const;
        const im2colArgs = [xg, ig, d.h, d.w, ...geo, d.ho, d.wo, cols] as const;
        exec.run('im2col', [...im2colArgs], 0, panels, k * npix);
        exec.run('gemm', [w, cols, og, k, npix, yg, npix, epis[g]], 0, panels, macs);
      }
    }
    this.heap.release(mark);
  }
}
