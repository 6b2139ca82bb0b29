// im2col into the packed-B layout of gemm.ts: [ceil(N / 8)][K][8], K = C * kh * kw ordered as
// OIHW's (c, i, j), N = Ho * Wo ordered as (oy, ox). Out-of-image taps (padding) read as 0.

/** Input value at (iy, ix) of one plane, 0 outside (the padding). */
function tap(xc: usize, iy: i32, ix: i32, H: i32, W: i32): f32 {
  if (iy < 0 || iy >= H || ix < 0 || ix >= W) return 0;
  return load<f32>(xc + ((<usize>(iy * W + ix)) << 2));
}

/** (row, column) of tap (0, 0) for output n, or far outside the image when n >= N. */
function origin(n: i32, N: i32, Wo: i32, sh: i32, sw: i32, pt: i32, pl: i32): i64 {
  if (n >= N) return ((<i64>-(1 << 30)) << 32) | (<i64>(<u32>-(1 << 30)));
  const oy = n / Wo;
  return ((<i64>(oy * sh - pt)) << 32) | (<i64>(<u32>((n - oy * Wo) * sw - pl)));
}

/**
 * Fills column panels p0 <= p < p1 from one group's input planes `x` (C planes of H x W).
 * Geometry: stride (sh, sw), dilation (dh, dw), top / left padding (pt, pl); Ho x Wo output.
 * Thread-safe: no static scratch (lane origins live in locals).
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
    // Fast paths: 8 outputs on one output row; with stride 1 each tap is 8 contiguous inputs,
    // with stride 2 the even lanes of 16 contiguous inputs.
    const oy0 = n0 / Wo;
    const ox0 = n0 - oy0 * Wo;
    const oneRow = n0 + 8 <= N && ox0 + 8 <= Wo;
    const contiguous = sw == 1 && oneRow;
    const strided2 = sw == 2 && oneRow;
    const q0 = origin(n0, N, Wo, sh, sw, pt, pl),
      q1 = origin(n0 + 1, N, Wo, sh, sw, pt, pl);
    const q2 = origin(n0 + 2, N, Wo, sh, sw, pt, pl),
      q3 = origin(n0 + 3, N, Wo, sh, sw, pt, pl);
    const q4 = origin(n0 + 4, N, Wo, sh, sw, pt, pl),
      q5 = origin(n0 + 5, N, Wo, sh, sw, pt, pl);
    const q6 = origin(n0 + 6, N, Wo, sh, sw, pt, pl),
      q7 = origin(n0 + 7, N, Wo, sh, sw, pt, pl);
    for (let c = 0; c < C; c++) {
      const xc = x + <usize>c * plane;
      for (let i = 0; i < kh; i++) {
        const di = i * dh;
        for (let j = 0; j < kw; j++) {
          const dj = j * dw;
          if (contiguous) {
            const iy = oy0 * sh - pt + di;
            const ix = ox0 - pl + dj;
            if (iy >= 0 && iy < H && ix >= 0 && ix + 8 <= W) {
              const src = xc + ((<usize>(iy * W + ix)) << 2);
              v128.store(out, v128.load(src));
              v128.store(out, v128.load(src, 16), 16);
              out += 32;
              continue;
            }
          } else if (strided2) {
            const iy = oy0 * sh - pt + di;
            const ix = 2 * ox0 - pl + dj;
            if (iy >= 0 && iy < H && ix >= 0 && ix + 16 <= W) {
              const src = xc + ((<usize>(iy * W + ix)) << 2);
              const a = v128.load(src),
                b = v128.load(src, 16);
              const c = v128.load(src, 32),
                d = v128.load(src, 48);
              v128.store(out, v128.shuffle<f32>(a, b, 0, 2, 4, 6));
              v128.store(out, v128.shuffle<f32>(c, d, 0, 2, 4, 6), 16);
              out += 32;
              continue;
            }
          }
          store<f32>(out, tap(xc, <i32>(q0 >> 32) + di, <i32>q0 + dj, H, W));
          store<f32>(out, tap(xc, <i32>(q1 >> 32) + di, <i32>q1 + dj, H, W), 4);
          store<f32>(out, tap(xc, <i32>(q2 >> 32) + di, <i32>q2 + dj, H, W), 8);
          store<f32>(out, tap(xc, <i32>(q3 >> 32) + di, <i32>q3 + dj, H, W), 12);
          store<f32>(out, tap(xc, <i32>(q4 >> 32) + di, <i32>q4 + dj, H, W), 16);
          store<f32>(out, tap(xc, <i32>(q5 >> 32) + di, <i32>q5 + dj, H, W), 20);
          store<f32>(out, tap(xc, <i32>(q6 >> 32) + di, <i32>q6 + dj, H, W), 24);
          store<f32>(out, tap(xc, <i32>(q7 >> 32) + di, <i32>q7 + dj, H, W), 28);
          out += 32;
        }
      }
    }
  }
}
