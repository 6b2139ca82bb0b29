import { madd } from './madd';
import {
  activate,
  epiAccumulate,
  epiBias,
  epiHasResidual,
  epiHigh,
  epiIsClamp,
  epiLow,
  epiResidual,
  epilogueOf,
} from './epilogue';
// SIMD128 GEMM on packed panels: Y[m, n] = act(bias[m] + sum_k A[m, k] * B[k, n] + R[m, n]),
// with the epilogue (bias, residual R, activation) of epilogue.ts.
//
// Packed A ("weights"): [ceil(M / 4)][K][4] — 4 rows interleaved per k, zero rows past M.
// Packed B ("columns"): [ceil(N / 8)][K][8] — 8 columns interleaved per k, zero columns past N.
// The micro-kernel keeps a 4 x 8 block of Y in 8 f32x4 accumulators; per k it loads two B
// vectors and splats four A scalars (v128.load32_splat), i.e. 8 multiplies + 8 adds per 6 loads.

/** Adds row y's residual (when there is one), applies the activation and stores `cols` columns. */
function finishRow(y: usize, lo: v128, hi: v128, cols: i32, epi: usize): void {
  if (epiHasResidual(epi)) {
    const r = <usize>(<isize>y + epiResidual(epi));
    lo = f32x4.add(lo, loadHalf(r, cols));
    hi = f32x4.add(hi, loadHalf(r + 16, cols - 4));
  }
  storeRow(y, activate(lo, epi), activate(hi, epi), cols);
}

function storeRow(y: usize, lo: v128, hi: v128, cols: i32): void {
  if (cols == 8) {
    v128.store(y, lo);
    v128.store(y, hi, 16);
    return;
  }
  // Tail panel: write only the columns that exist (never past the row).
  if (cols > 0) store<f32>(y, f32x4.extract_lane(lo, 0));
  if (cols > 1) store<f32>(y, f32x4.extract_lane(lo, 1), 4);
  if (cols > 2) store<f32>(y, f32x4.extract_lane(lo, 2), 8);
  if (cols > 3) store<f32>(y, f32x4.extract_lane(lo, 3), 12);
  if (cols > 4) store<f32>(y, f32x4.extract_lane(hi, 0), 16);
  if (cols > 5) store<f32>(y, f32x4.extract_lane(hi, 1), 20);
  if (cols > 6) store<f32>(y, f32x4.extract_lane(hi, 2), 24);
}

/** Lanes 0..3 (`lo`) of row y's 8 columns, of which `cols` exist; absent ones read as 0. */
function loadHalf(y: usize, cols: i32): v128 {
  if (cols >= 4) return v128.load(y);
  let v = f32x4.splat(0);
  if (cols > 0) v = f32x4.replace_lane(v, 0, load<f32>(y));
  if (cols > 1) v = f32x4.replace_lane(v, 1, load<f32>(y, 4));
  if (cols > 2) v = f32x4.replace_lane(v, 2, load<f32>(y, 8));
  return v;
}

function biasAt(bias: usize, m: i32, rows: i32): v128 {
  if (bias == 0 || m >= rows) return f32x4.splat(0);
  return v128.load32_splat(bias + ((<usize>m) << 2));
}

/**
 * One 4 x 8 block: `rows` (1..4) valid rows and `cols` (1..8) valid columns of Y, epilogue `epi`
 * (never 0); B's 8 columns of row k + 1 are `bStep` bytes after row k's (32 when packed).
 * Nothing but the accumulators, A and B stays live across the k loop.
 */
function micro4x8(
  a: usize,
  b: usize,
  bStep: usize,
  K: i32,
  y: usize,
  ldy: i32,
  rows: i32,
  cols: i32,
  bias: usize,
  epi: usize,
): void {
  let c00 = biasAt(bias, 0, rows),
    c10 = biasAt(bias, 1, rows);
  let c20 = biasAt(bias, 2, rows),
    c30 = biasAt(bias, 3, rows);
  let c01 = c00,
    c11 = c10,
    c21 = c20,
    c31 = c30;
  if (epiAccumulate(epi)) {
    // Start from Y itself (a sum over several calls, e.g. over the images of a batch).
    const row = (<usize>ldy) << 2;
    const hi = cols - 4;
    c00 = f32x4.add(c00, loadHalf(y, cols));
    c01 = f32x4.add(c01, loadHalf(y + 16, hi));
    if (rows > 1) {
      c10 = f32x4.add(c10, loadHalf(y + row, cols));
      c11 = f32x4.add(c11, loadHalf(y + row + 16, hi));
    }
    if (rows > 2) {
      c20 = f32x4.add(c20, loadHalf(y + 2 * row, cols));
      c21 = f32x4.add(c21, loadHalf(y + 2 * row + 16, hi));
    }
    if (rows > 3) {
      c30 = f32x4.add(c30, loadHalf(y + 3 * row, cols));
      c31 = f32x4.add(c31, loadHalf(y + 3 * row + 16, hi));
    }
  }
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    c00 = madd(s, b0, c00);
    c01 = madd(s, b1, c01);
    s = v128.load32_splat(a, 4);
    c10 = madd(s, b0, c10);
    c11 = madd(s, b1, c11);
    s = v128.load32_splat(a, 8);
    c20 = madd(s, b0, c20);
    c21 = madd(s, b1, c21);
    s = v128.load32_splat(a, 12);
    c30 = madd(s, b0, c30);
    c31 = madd(s, b1, c31);
    a += 16;
    b += bStep;
  }
  const row = (<usize>ldy) << 2;
  if (cols == 8 && rows == 4 && epiIsClamp(epi)) {
    // The common case inline (a call per row costs as much as a short k loop).
    if (epiHasResidual(epi)) {
      const r = <usize>(<isize>y + epiResidual(epi));
      c00 = f32x4.add(c00, v128.load(r));
      c01 = f32x4.add(c01, v128.load(r, 16));
      c10 = f32x4.add(c10, v128.load(r + row));
      c11 = f32x4.add(c11, v128.load(r + row, 16));
      c20 = f32x4.add(c20, v128.load(r + 2 * row));
      c21 = f32x4.add(c21, v128.load(r + 2 * row, 16));
      c30 = f32x4.add(c30, v128.load(r + 3 * row));
      c31 = f32x4.add(c31, v128.load(r + 3 * row, 16));
    }
    const low = epiLow(epi);
    const high = epiHigh(epi);
    v128.store(y, f32x4.pmin(f32x4.pmax(c00, low), high));
    v128.store(y, f32x4.pmin(f32x4.pmax(c01, low), high), 16);
    v128.store(y + row, f32x4.pmin(f32x4.pmax(c10, low), high));
    v128.store(y + row, f32x4.pmin(f32x4.pmax(c11, low), high), 16);
    v128.store(y + 2 * row, f32x4.pmin(f32x4.pmax(c20, low), high));
    v128.store(y + 2 * row, f32x4.pmin(f32x4.pmax(c21, low), high), 16);
    v128.store(y + 3 * row, f32x4.pmin(f32x4.pmax(c30, low), high));
    v128.store(y + 3 * row, f32x4.pmin(f32x4.pmax(c31, low), high), 16);
    return;
  }
  finishRow(y, c00, c01, cols, epi);
  if (rows > 1) finishRow(y + row, c10, c11, cols, epi);
  if (rows > 2) finishRow(y + 2 * row, c20, c21, cols, epi);
  if (rows > 3) finishRow(y + 3 * row, c30, c31, cols, epi);
}

/**
 * Y[m, n] for all m < M and the column panels p0 <= p < p1 (columns 8 p .. 8 p + 7, < N), with the
 * epilogue descriptor `epi` (epilogue.ts; 0 = plain Y = A B). `y` is row-major with leading
 * dimension `ldy`; a residual has the same layout.
 * Loop order: blocks of 32 column panels (B block <= K * 1 KiB, kept in L2), then row panels
 * (one A panel, K * 16 bytes, kept in L1 while it sweeps the block).
 */
export function gemm(
  ap: usize,
  bp: usize,
  M: i32,
  K: i32,
  N: i32,
  y: usize,
  ldy: i32,
  epi: usize,
  p0: i32,
  p1: i32,
): void {
  const e = epilogueOf(epi);
  const bias = epiBias(e);
  const panelA = (<usize>K) << 4;
  const panelB = (<usize>K) << 5;
  for (let q0 = p0; q0 < p1; q0 += 32) {
    const q1 = min(q0 + 32, p1);
    for (let m0 = 0; m0 < M; m0 += 4) {
      const a = ap + <usize>(m0 >> 2) * panelA;
      const rows = min(4, M - m0);
      const biasRow: usize = bias == 0 ? <usize>0 : bias + ((<usize>m0) << 2);
      for (let p = q0; p < q1; p++) {
        const n0 = p << 3;
        micro4x8(
          a,
          bp + <usize>p * panelB,
          32,
          K,
          y + ((<usize>m0 * ldy + n0) << 2),
          ldy,
          rows,
          min(8, N - n0),
          biasRow,
          e,
        );
      }
    }
  }
}

/** Rows m0 <= m < m1 (m0 a multiple of 4) of {@link gemmRows}, column panels p0 <= p < p1. */
function rowsBlock(
  ap: usize,
  x: usize,
  m0: i32,
  m1: i32,
  K: i32,
  N: i32,
  y: usize,
  ldy: i32,
  e: usize,
  p0: i32,
  p1: i32,
): void {
  const bias = epiBias(e);
  const panelA = (<usize>K) << 4;
  const row = (<usize>N) << 2;
  for (let q0 = p0; q0 < p1; q0 += 32) {
    const q1 = min(q0 + 32, p1);
    for (let m = m0; m < m1; m += 4) {
      const a = ap + <usize>(m >> 2) * panelA;
      const rows = min(4, m1 - m);
      const biasRow: usize = bias == 0 ? <usize>0 : bias + ((<usize>m) << 2);
      for (let p = q0; p < q1; p++) {
        const n0 = p << 3;
        const yp = y + ((<usize>m * ldy + n0) << 2);
        micro4x8(a, x + ((<usize>n0) << 2), row, K, yp, ldy, rows, min(8, N - n0), biasRow, e);
      }
    }
  }
}

/**
 * {@link gemm} with B read in place from a row-major K x N matrix `x` (a 1x1 conv's NCHW input:
 * no im2col): column panels p0 <= p < p1. The last panel reads up to 7 floats past its rows
 * (the next rows, or the buffer's padding after the last one); those lanes are never stored.
 */
export function gemmRows(
  ap: usize,
  x: usize,
  M: i32,
  K: i32,
  N: i32,
  y: usize,
  ldy: i32,
  epi: usize,
  p0: i32,
  p1: i32,
): void {
  rowsBlock(ap, x, 0, M, K, N, y, ldy, epilogueOf(epi), p0, p1);
}

/**
 * {@link gemmRows} over row panels r0 <= r < r1 (rows 4 r .. 4 r + 3, < M) and every column
 * panel: splits a call with few columns (a 7x7 map: 7 panels) evenly between threads.
 */
export function gemmRowsByRows(
  ap: usize,
  x: usize,
  M: i32,
  K: i32,
  N: i32,
  y: usize,
  ldy: i32,
  epi: usize,
  r0: i32,
  r1: i32,
): void {
  rowsBlock(ap, x, r0 << 2, min(r1 << 2, M), K, N, y, ldy, epilogueOf(epi), 0, (N + 7) >> 3);
}

/**
 * Batched gemm for the Winograd products: for x0 <= xi < x1, Y_xi = A_xi B_xi with
 * A_xi = ap + xi * aStride, B_xi = bp + xi * bStride, Y_xi = y + xi * yStride (strides in floats),
 * no bias, no ReLU, all column panels. Splitting over xi shares work between threads evenly.
 */
export function gemmBatched(
  ap: usize,
  aStride: i32,
  bp: usize,
  bStride: i32,
  M: i32,
  K: i32,
  N: i32,
  y: usize,
  yStride: i32,
  ldy: i32,
  x0: i32,
  x1: i32,
): void {
  const panels = (N + 7) >> 3;
  for (let xi = x0; xi < x1; xi++) {
    gemm(
      ap + ((<usize>xi * aStride) << 2),
      bp + ((<usize>xi * bStride) << 2),
      M,
      K,
      N,
      y + ((<usize>xi * yStride) << 2),
      ldy,
      0,
      0,
      panels,
    );
  }
}
