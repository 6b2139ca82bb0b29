// Batched matrix transpose, for layout changes at the tfjs boundary (NHWC <-> NCHW).

/**
 * For matrices b0 <= b < b1 of `rows` x `cols` floats (row-major, packed one after another):
 * dst_b[c][r] = src_b[r][c]. 4x4 blocks go through registers (two rounds of shuffles); edges
 * are scalar. NHWC -> NCHW is rows = H W, cols = C; NCHW -> NHWC is rows = C, cols = H W.
 */
export function transposeBatch(
  src: usize,
  rows: i32,
  cols: i32,
  dst: usize,
  b0: i32,
  b1: i32,
): void {
  const size = <usize>rows * cols;
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  const srcRow = (<usize>cols) << 2;
  const dstRow = (<usize>rows) << 2;
  for (let b = b0; b < b1; b++) {
    const s = src + ((<usize>b * size) << 2);
    const d = dst + ((<usize>b * size) << 2);
    for (let r = 0; r < r4; r += 4) {
      for (let c = 0; c < c4; c += 4) {
        const p = s + ((<usize>r * cols + c) << 2);
        const a0 = v128.load(p),
          a1 = v128.load(p + srcRow);
        const a2 = v128.load(p + 2 * srcRow),
          a3 = v128.load(p + 3 * srcRow);
        const t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5),
          t1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7),
          t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
        const q = d + ((<usize>c * rows + r) << 2);
        v128.store(q, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(q + dstRow, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
        v128.store(q + 2 * dstRow, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
        v128.store(q + 3 * dstRow, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
      }
      for (let c = c4; c < cols; c++) {
        for (let k = 0; k < 4; k++) {
          store<f32>(
            d + ((<usize>c * rows + r + k) << 2),
            load<f32>(s + ((<usize>(r + k) * cols + c) << 2)),
          );
        }
      }
    }
    for (let r = r4; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        store<f32>(d + ((<usize>c * rows + r) << 2), load<f32>(s + ((<usize>r * cols + c) << 2)));
      }
    }
  }
}
