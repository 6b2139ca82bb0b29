// im2col into the packed-B layout of gemm.ts: [ceil(N / 8)][K][8], K = C * kh * kw ordered as
// OIHW's (c, i, j), N = Ho * Wo ordered as (oy, ox). Out-of-image taps (padding) read as 0.

/** Scratch for the 8 lanes of one panel: input row / column of tap (0, 0), -2^30 when n >= N. */
const LANES: usize = memory.data(64);

/**
 * Fills column panels p0 <= p < p1 from one group's input planes `x` (C planes of H x W).
 * Geometry: stride (sh, sw), dilation (dh, dw), top / left padding (pt, pl); Ho x Wo output.
 */
export function im2col(
  x: usize,
  C: i32,
  H: i32,
  W: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  pt: i32,
  pl: i32,
  Ho: i32,
  Wo: i32,
  dst: usize,
  p0: i32,
  p1: i32,
): void {
  const N = Ho * Wo;
  const K = C * kh * kw;
  const plane = (<usize>(H * W)) << 2;
  for (let p = p0; p < p1; p++) {
    let out = dst + ((<usize>p * K) << 5);
    const n0 = p << 3;
    // Fast path: 8 outputs on one output row, stride 1 — each tap is 8 contiguous inputs.
    const oy0 = n0 / Wo;
    const ox0 = n0 - oy0 * Wo;
    const contiguous = sw == 1 && n0 + 8 <= N && ox0 + 8 <= Wo;
    for (let l = 0; l < 8; l++) {
      const n = n0 + l;
      if (n < N) {
        const oy = n / Wo;
        store<i32>(LANES + ((<usize>l) << 3), oy * sh - pt);
        store<i32>(LANES + ((<usize>l) << 3), (n - oy * Wo) * sw - pl, 4);
      } else {
        store<i32>(LANES + ((<usize>l) << 3), -(1 << 30));
        store<i32>(LANES + ((<usize>l) << 3), -(1 << 30), 4);
      }
    }
    for (let c = 0; c < C; c++) {
      const xc = x + <usize>c * plane;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          if (contiguous) {
            const iy = oy0 * sh - pt + i * dh;
            const ix = ox0 - pl + j * dw;
            if (iy >= 0 && iy < H && ix >= 0 && ix + 8 <= W) {
              const src = xc + ((<usize>(iy * W + ix)) << 2);
              v128.store(out, v128.load(src));
              v128.store(out, v128.load(src, 16), 16);
              out += 32;
              continue;
            }
          }
          for (let l = 0; l < 8; l++) {
            const iy = load<i32>(LANES + ((<usize>l) << 3)) + i * dh;
            const ix = load<i32>(LANES + ((<usize>l) << 3), 4) + j * dw;
            let v: f32 = 0;
            if (iy >= 0 && iy < H && ix >= 0 && ix < W)
              v = load<f32>(xc + ((<usize>(iy * W + ix)) << 2));
            store<f32>(out + ((<usize>l) << 2), v);
          }
          out += 32;
        }
      }
    }
  }
}
