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

/** Output tile size m of Winograd F(m x m, 3x3). */
export type WinogradTile = 2 | 4;

/** Rows of G for F(2x2, 3x3) and F(4x4, 3x3) (Lavin & Gray 2016): U = G g G^T. */
const G: Record<WinogradTile, readonly (readonly [number, number, number])[]> = {
  2: [
    [1, 0, 0],
    [1 / 2, 1 / 2, 1 / 2],
    [1 / 2, -1 / 2, 1 / 2],
    [0, 0, 1],
  ],
  4: [
    [1 / 4, 0, 0],
    [-1 / 6, -1 / 6, -1 / 6],
    [-1 / 6, 1 / 6, -1 / 6],
    [1 / 24, 1 / 12, 1 / 6],
    [1 / 24, -1 / 12, 1 / 6],
    [0, 0, 1],
  ],
};

/**
 * Winograd F(m x m, 3x3) weight transform U = G g G^T of one group's 3x3 kernels, `g` in OIHW
 * [outs][ins][3][3] from element `offset`, packed as (m+2)^2 A matrices (outs x ins), each
 * `packedRowsSize(outs, ins)` floats, xi = (m+2) * row + column of U. float64, rounded once.
 */
export function packWinograd(
  m: WinogradTile,
  g: Floats,
  offset: number,
  outs: number,
  ins: number,
  dst: Float32Array,
): void {
  const rows = G[m];
  const a = rows.length;
  const u = new Float64Array(a * a * outs * ins);
  const t = new Float64Array(a * 3);
  for (let o = 0; o < outs; o++) {
    for (let c = 0; c < ins; c++) {
      const k = offset + (o * ins + c) * 9;
      // t = G g (a x 3), then U = t G^T (a x a).
      for (let r = 0; r < a; r++) {
        for (let j = 0; j < 3; j++) {
          t[r * 3 + j] =
            rows[r][0] * g[k + j] + rows[r][1] * g[k + 3 + j] + rows[r][2] * g[k + 6 + j];
        }
      }
      for (let r = 0; r < a; r++) {
        for (let col = 0; col < a; col++) {
          const gc = rows[col];
          const v = t[r * 3] * gc[0] + t[r * 3 + 1] * gc[1] + t[r * 3 + 2] * gc[2];
          u[((r * a + col) * outs + o) * ins + c] = v;
        }
      }
    }
  }
  const size = packedRowsSize(outs, ins);
  for (let xi = 0; xi < a * a; xi++) {
    packRows(u, xi * outs * ins, outs, ins, dst.subarray(xi * size, (xi + 1) * size));
  }
}
