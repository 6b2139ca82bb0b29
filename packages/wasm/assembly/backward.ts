// Packing and scatter kernels for convolution gradients, around gemm.ts:
//   weight gradient  dW_g (Og x Kc) = dY_g (Og x nP) . colT_g (nP x Kc)
//   input gradient   dcol_g (Kc x P) = W_g^T (Kc x Og) . dY_g (Og x P), then col2im into dX.
// Kc = C/g * kh * kw ordered (c, i, j) as OIHW; nP = batch x output pixels.

/**
 * Packs rows of dY for one group into gemm's A layout [ceil(Og / 4)][n * P][4]: row o, column
 * (b, p) = dy[b][o0 + o][p], dy NCHW with O channels of P pixels. Row panels r0 <= r < r1.
 */
export function packGradRows(
  dy: usize,
  n: i32,
  O: i32,
  P: i32,
  o0: i32,
  og: i32,
  dst: usize,
  r0: i32,
  r1: i32,
): void {
  const K = n * P;
  for (let r = r0; r < r1; r++) {
    let out = dst + ((<usize>r * K) << 4);
    for (let b = 0; b < n; b++) {
      for (let p = 0; p < P; p++) {
        for (let l = 0; l < 4; l++) {
          const o = (r << 2) + l;
          let v: f32 = 0;
          if (o < og) v = load<f32>(dy + ((<usize>((b * O + o0 + o) * P + p)) << 2));
          store<f32>(out, v);
          out += 4;
        }
      }
    }
  }
}

/**
 * Transposed im2col into gemm's B layout [ceil(Kc / 8)][n * P][8]: column k = (c, i, j), row
 * (b, oy, ox) = x[b][c0 + c][oy sh - pt + i dh][ox sw - pl + j dw] (0 outside). x is NCHW with
 * C channels of H x W. Column panels q0 <= q < q1.
 */
export function im2colT(
  x: usize,
  n: i32,
  C: i32,
  H: i32,
  W: i32,
  c0: i32,
  cg: i32,
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
  q0: i32,
  q1: i32,
): void {
  const Kc = cg * kh * kw;
  const rows = n * Ho * Wo;
  for (let q = q0; q < q1; q++) {
    const panel = dst + ((<usize>q * rows) << 5);
    for (let l = 0; l < 8; l++) {
      const k = (q << 3) + l;
      let out = panel + ((<usize>l) << 2);
      if (k >= Kc) {
        for (let r = 0; r < rows; r++) {
          store<f32>(out, 0);
          out += 32;
        }
        continue;
      }
      const c = k / (kh * kw);
      const i = (k / kw) % kh;
      const j = k % kw;
      for (let b = 0; b < n; b++) {
        const plane = x + ((<usize>(b * C + c0 + c) * H * W) << 2);
        for (let oy = 0; oy < Ho; oy++) {
          const iy = oy * sh - pt + i * dh;
          const inside = iy >= 0 && iy < H;
          for (let ox = 0; ox < Wo; ox++) {
            const ix = ox * sw - pl + j * dw;
            let v: f32 = 0;
            if (inside && ix >= 0 && ix < W) v = load<f32>(plane + ((<usize>(iy * W + ix)) << 2));
            store<f32>(out, v);
            out += 32;
          }
        }
      }
    }
  }
}

/**
 * dX[c] = sum over taps of dcol[(c, i, j)][p] scattered back to the input pixel each tap read
 * (col2im), for channels c0 <= c < c1 of one group and one image: dx points at the group's first
 * plane (H x W), dcol is row-major Kc x P with P = Ho * Wo. Overwrites dX's planes.
 */
export function col2im(
  dcol: usize,
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
  dx: usize,
  c0: i32,
  c1: i32,
): void {
  const P = Ho * Wo;
  for (let c = c0; c < c1; c++) {
    const plane = dx + ((<usize>c * H * W) << 2);
    memory.fill(plane, 0, (<usize>H * W) << 2);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = dcol + ((<usize>((c * kh + i) * kw + j) * P) << 2);
        // Outputs whose tap (i, j) lands inside the row: ox in [xa, xb).
        const shift = j * dw - pl;
        let xa = 0,
          xb = Wo;
        if (sw == 1) {
          xa = max(0, -shift);
          xb = min(Wo, W - shift);
        }
        for (let oy = 0; oy < Ho; oy++) {
          const iy = oy * sh - pt + i * dh;
          if (iy < 0 || iy >= H) continue;
          const src = row + ((<usize>(oy * Wo)) << 2);
          const dst = plane + ((<usize>(iy * W)) << 2);
          if (sw == 1) {
            // Stride 1: dX[iy, ox + shift] += dcol[oy, ox], 4 at a time.
            let ox = xa;
            for (; ox + 4 <= xb; ox += 4) {
              const at = dst + ((<usize>(ox + shift)) << 2);
              v128.store(at, f32x4.add(v128.load(at), v128.load(src + ((<usize>ox) << 2))));
            }
            for (; ox < xb; ox++) {
              const at = dst + ((<usize>(ox + shift)) << 2);
              store<f32>(at, load<f32>(at) + load<f32>(src + ((<usize>ox) << 2)));
            }
            continue;
          }
          for (let ox = 0; ox < Wo; ox++) {
            const ix = ox * sw + shift;
            if (ix < 0 || ix >= W) continue;
            const at = dst + ((<usize>ix) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(src + ((<usize>ox) << 2)));
          }
        }
      }
    }
  }
}
