import type { Floats } from '@reparam/core';

/**
 * Packs rows r0 <= r < r0 + rows of a row-major matrix (row length `k`, from `src` starting at
 * element `offset`) into gemm's A layout: [ceil(rows / 4)][k][4], zero rows past the end.
 */
export function packRows(
  src: Floats,
  offset: number,
  rows: number,
  k: number,
  dst: Float32Array,
): void {
  const panels = Math.ceil(rows / 4);
  for (let p = 0; p < panels; p++) {
    for (let j = 0; j < k; j++) {
      for (let r = 0; r < 4; r++) {
        const row = p * 4 + r;
        dst[(p * k + j) * 4 + r] = row < rows ? src[offset + row * k + j] : 0;
      }
    }
  }
}

/** Floats that {@link packRows} writes for `rows` x `k`. */
export function packedRowsSize(rows: number, k: number): number {
  return Math.ceil(rows / 4) * 4 * k;
}

/**
 * Winograd F(2x2, 3x3) weight transform U = G g G^T (Lavin & Gray 2016) of one group's
 * 3x3 kernels, `g` in OIHW [outs][ins][3][3] from element `offset`, packed as 16 A matrices
 * (outs x ins), each `packedRowsSize(outs, ins)` floats, xi = 4 * row + column of U.
 * G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]. Computed in float64, rounded once.
 */
export function packWinograd2(
  g: Floats,
  offset: number,
  outs: number,
  ins: number,
  dst: Float32Array,
): void {
  const u = new Float64Array(16 * outs * ins);
  const t = new Float64Array(12);
  for (let o = 0; o < outs; o++) {
    for (let c = 0; c < ins; c++) {
      const k = offset + (o * ins + c) * 9;
      for (let j = 0; j < 3; j++) {
        const g0 = g[k + j],
          g1 = g[k + 3 + j],
          g2 = g[k + 6 + j];
        t[j] = g0;
        t[3 + j] = (g0 + g1 + g2) / 2;
        t[6 + j] = (g0 - g1 + g2) / 2;
        t[9 + j] = g2;
      }
      for (let r = 0; r < 4; r++) {
        const a = t[3 * r],
          b = t[3 * r + 1],
          d = t[3 * r + 2];
        const row = [a, (a + b + d) / 2, (a - b + d) / 2, d];
        for (let col = 0; col < 4; col++) u[((4 * r + col) * outs + o) * ins + c] = row[col];
      }
    }
  }
  const size = packedRowsSize(outs, ins);
  for (let xi = 0; xi < 16; xi++) {
    packRows(u, xi * outs * ins, outs, ins, dst.subarray(xi * size, (xi + 1) * size));
  }
}
