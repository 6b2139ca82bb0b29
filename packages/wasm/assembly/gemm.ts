import { madd } from './madd';
import {
  activate,
  epiA,
  epiAccumulate,
  epiAct,
  epiB,
  epiBias,
  epiHasResidual,
  epiResidual,
} from './epilogue';
// SIMD128 GEMM on packed panels: Y[m, n] = act(bias[m] + sum_k A[m, k] * B[k, n] + R[m, n]),
// with the epilogue (bias, residual R, activation) of epilogue.ts.
//
// Packed A ("weights"): [ceil(M / 4)][K][4] — 4 rows interleaved per k, zero rows past M.
// Packed B ("columns"): [ceil(N / 8)][K][8] — 8 columns interleaved per k, zero columns past N.
// The micro-kernel keeps a 4 x 8 block of Y in 8 f32x4 accumulators; per k it loads two B
// vectors and splats four A scalars (v128.load32_splat), i.e. 8 multiplies + 8 adds per 6 loads.

/** Adds row y's residual (when there is one), applies the activation and stores `cols` columns. */
function finishRow(
  y: usize,
  lo: v128,
  hi: v128,
  cols: i32,
  hasResidual: bool,
  residual: isize,
  kind: i32,
  a: v128,
  b: v128,
): void {
  if (hasResidual) {
    const r = <usize>(<isize>y + residual);
    lo = f32x4.add(lo, loadHalf(r, cols));
    hi = f32x4.add(hi, loadHalf(r + 16, cols - 4));
  }
  storeRow(y, activate(lo, kind, a, b), activate(hi, kind, a, b), cols);
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

/** One 4 x 8 block: `rows` (1..4) valid rows and `cols` (1..8) valid columns of Y. */
function micro4x8(
  a: usize,
  b: usize,
  K: i32,
  y: usize,
  ldy: i32,
  rows: i32,
  cols: i32,
  bias: usize,
  accumulate: bool,
  hasResidual: bool,
  residual: isize,
  kind: i32,
  ea: v128,
  eb: v128,
): void {
  let c00 = biasAt(bias, 0, rows),
    c10 = biasAt(bias, 1, rows);
  let c20 = biasAt(bias, 2, rows),
    c30 = biasAt(bias, 3, rows);
  let c01 = c00,
    c11 = c10,
    c21 = c20,
    c31 = c30;
  if (accumulate) {
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
    b += 32;
  }
  const row = (<usize>ldy) << 2;
  finishRow(y, c00, c01, cols, hasResidual, residual, kind, ea, eb);
  if (rows > 1) finishRow(y + row, c10, c11, cols, hasResidual, residual, kind, ea, eb);
  if (rows > 2) finishRow(y + 2 * row, c20, c21, cols, hasResidual, residual, kind, ea, eb);
  if (rows > 3) finishRow(y + 3 * row, c30, c31, cols, hasResidual, residual, kind, ea, eb);
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
  const bias = epiBias(epi);
  const accumulate = epiAccumulate(epi);
  const hasResidual = epiHasResidual(epi);
  const residual = epiResidual(epi);
  const kind = epiAct(epi);
  const ea = f32x4.splat(epiA(epi));
  const eb = f32x4.splat(epiB(epi));
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
          K,
          y + ((<usize>m0 * ldy + n0) << 2),
          ldy,
          rows,
          min(8, N - n0),
          biasRow,
          accumulate,
          hasResidual,
          residual,
          kind,
          ea,
          eb,
        );
      }
    }
  }
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
