import { epiBias, epilogueOf, finish, finish1 } from './epilogue';
// Winograd F(2x2, 3x3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
// CVPR 2016): each 2x2 output tile is Y = A^T [ (G g G^T) . (B^T d B) ] A, d a 4x4 input tile,
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],   A^T = [1 1 1 0; 0 1 -1 -1].
// The 16 products per tile become 16 GEMMs over channels (gemm.ts): M_xi = U_xi (O x C) V_xi (C x T).

/** Lanes (0, 2, 4, 6) / (1, 3, 5, 7) of the 8 floats a:b. */
function evens(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 0, 2, 4, 6);
}
function odds(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 1, 3, 5, 7);
}

function storeLanes(dst: usize, t: i32, stride: usize, v: v128, count: i32): void {
  // Tile t of a packed-B panel lives at panel (t >> 3), lane (t & 7); `dst` is row c of xi 0.
  for (let k = 0; k < count; k++) {
    const tk = t + k;
    store<f32>(
      dst + ((<usize>(tk >> 3) * stride + <usize>(tk & 7)) << 2),
      f32x4.extract_lane(v, 0),
    );
    v = v128.shuffle<f32>(v, v, 1, 2, 3, 0);
  }
}

/**
 * V_xi[c][t] for planes q0 <= q < q1 (q = image * C + channel; image b's tiles are numbered
 * after image b - 1's), written as 16 packed-B matrices (K = C, N = images x T) of
 * `xiStride` floats each. `xp` holds zero-padded planes Hp x Wp with Wp >= 2 * ceil(tw / 4) * 4 + 4,
 * so every 4-tile group reads inside its row. Tiles: th x tw, t = ty * tw + tx.
 */
export function winograd2Input(
  xp: usize,
  Hp: i32,
  Wp: i32,
  C: i32,
  th: i32,
  tw: i32,
  v: usize,
  xiStride: i32,
  q0: i32,
  q1: i32,
): void {
  const panel = (<usize>C) << 3; // floats per panel
  const xi = (<usize>xiStride) << 2;
  for (let q = q0; q < q1; q++) {
    // Plane q is channel c of image b; image b's tiles follow image b - 1's.
    const img = q / C;
    const c = q - img * C;
    const tBase = img * th * tw;
    const plane = xp + ((<usize>q * Hp * Wp) << 2);
    const row = v + (((<usize>c) << 3) << 2);
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx += 4) {
        const base = plane + ((<usize>(2 * ty * Wp + 2 * tx)) << 2);
        const rowBytes = (<usize>Wp) << 2;
        // d[r][j] for 4 tiles: r = 0..3, j = 0..3.
        let a = v128.load(base),
          b = v128.load(base, 16);
        let e = v128.load(base, 8),
          f = v128.load(base, 24);
        const d00 = evens(a, b),
          d01 = odds(a, b),
          d02 = evens(e, f),
          d03 = odds(e, f);
        a = v128.load(base + rowBytes);
        b = v128.load(base + rowBytes, 16);
        e = v128.load(base + rowBytes, 8);
        f = v128.load(base + rowBytes, 24);
        const d10 = evens(a, b),
          d11 = odds(a, b),
          d12 = evens(e, f),
          d13 = odds(e, f);
        a = v128.load(base + 2 * rowBytes);
        b = v128.load(base + 2 * rowBytes, 16);
        e = v128.load(base + 2 * rowBytes, 8);
        f = v128.load(base + 2 * rowBytes, 24);
        const d20 = evens(a, b),
          d21 = odds(a, b),
          d22 = evens(e, f),
          d23 = odds(e, f);
        a = v128.load(base + 3 * rowBytes);
        b = v128.load(base + 3 * rowBytes, 16);
        e = v128.load(base + 3 * rowBytes, 8);
        f = v128.load(base + 3 * rowBytes, 24);
        const d30 = evens(a, b),
          d31 = odds(a, b),
          d32 = evens(e, f),
          d33 = odds(e, f);
        // Rows: B^T d.
        const t00 = f32x4.sub(d00, d20),
          t01 = f32x4.sub(d01, d21);
        const t02 = f32x4.sub(d02, d22),
          t03 = f32x4.sub(d03, d23);
        const t10 = f32x4.add(d10, d20),
          t11 = f32x4.add(d11, d21);
        const t12 = f32x4.add(d12, d22),
          t13 = f32x4.add(d13, d23);
        const t20 = f32x4.sub(d20, d10),
          t21 = f32x4.sub(d21, d11);
        const t22 = f32x4.sub(d22, d12),
          t23 = f32x4.sub(d23, d13);
        const t30 = f32x4.sub(d10, d30),
          t31 = f32x4.sub(d11, d31);
        const t32 = f32x4.sub(d12, d32),
          t33 = f32x4.sub(d13, d33);
        const t = tBase + ty * tw + tx;
        const count = min(4, tw - tx);
        // Columns: (B^T d) B, xi = 4 r + j.
        storeLanes(row, t, panel, f32x4.sub(t00, t02), count);
        storeLanes(row + xi, t, panel, f32x4.add(t01, t02), count);
        storeLanes(row + 2 * xi, t, panel, f32x4.sub(t02, t01), count);
        storeLanes(row + 3 * xi, t, panel, f32x4.sub(t01, t03), count);
        storeLanes(row + 4 * xi, t, panel, f32x4.sub(t10, t12), count);
        storeLanes(row + 5 * xi, t, panel, f32x4.add(t11, t12), count);
        storeLanes(row + 6 * xi, t, panel, f32x4.sub(t12, t11), count);
        storeLanes(row + 7 * xi, t, panel, f32x4.sub(t11, t13), count);
        storeLanes(row + 8 * xi, t, panel, f32x4.sub(t20, t22), count);
        storeLanes(row + 9 * xi, t, panel, f32x4.add(t21, t22), count);
        storeLanes(row + 10 * xi, t, panel, f32x4.sub(t22, t21), count);
        storeLanes(row + 11 * xi, t, panel, f32x4.sub(t21, t23), count);
        storeLanes(row + 12 * xi, t, panel, f32x4.sub(t30, t32), count);
        storeLanes(row + 13 * xi, t, panel, f32x4.add(t31, t32), count);
        storeLanes(row + 14 * xi, t, panel, f32x4.sub(t32, t31), count);
        storeLanes(row + 15 * xi, t, panel, f32x4.sub(t31, t33), count);
      }
    }
  }
}

/**
 * Y[o] = A^T M A, then the epilogue `epi` (bias, residual, activation), for output planes
 * q0 <= q < q1 (q = image * og + o), from the 16 GEMM
 * results M_xi[o][t] (row stride `ldm`, xi stride `xiStride` floats; each row readable 3 floats
 * past the last tile). Output planes Ho x Wo; tiles th x tw.
 */
export function winograd2Output(
  m: usize,
  ldm: i32,
  xiStride: i32,
  th: i32,
  tw: i32,
  y: usize,
  Ho: i32,
  Wo: i32,
  epi: usize,
  og: i32,
  yImage: i32,
  q0: i32,
  q1: i32,
): void {
  const xi = (<usize>xiStride) << 2;
  const e = epilogueOf(epi);
  const bias = epiBias(e);
  for (let q = q0; q < q1; q++) {
    // Output plane q is channel o of image n; images are yImage floats apart in y.
    const n = q / og;
    const o = q - n * og;
    const b = bias == 0 ? f32x4.splat(0) : v128.load32_splat(bias + ((<usize>o) << 2));
    const src = m + ((<usize>o * ldm + <usize>n * th * tw) << 2);
    const plane = y + ((<usize>n * yImage + <usize>o * Ho * Wo) << 2);
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx += 4) {
        const p = src + ((<usize>(ty * tw + tx)) << 2);
        const m00 = v128.load(p),
          m01 = v128.load(p + xi),
          m02 = v128.load(p + 2 * xi);
        const m03 = v128.load(p + 3 * xi),
          m10 = v128.load(p + 4 * xi),
          m11 = v128.load(p + 5 * xi);
        const m12 = v128.load(p + 6 * xi),
          m13 = v128.load(p + 7 * xi),
          m20 = v128.load(p + 8 * xi);
        const m21 = v128.load(p + 9 * xi),
          m22 = v128.load(p + 10 * xi),
          m23 = v128.load(p + 11 * xi);
        const m30 = v128.load(p + 12 * xi),
          m31 = v128.load(p + 13 * xi);
        const m32 = v128.load(p + 14 * xi),
          m33 = v128.load(p + 15 * xi);
        // Rows: A^T M.
        const s00 = f32x4.add(f32x4.add(m00, m10), m20),
          s01 = f32x4.add(f32x4.add(m01, m11), m21);
        const s02 = f32x4.add(f32x4.add(m02, m12), m22),
          s03 = f32x4.add(f32x4.add(m03, m13), m23);
        const s10 = f32x4.sub(f32x4.sub(m10, m20), m30),
          s11 = f32x4.sub(f32x4.sub(m11, m21), m31);
        const s12 = f32x4.sub(f32x4.sub(m12, m22), m32),
          s13 = f32x4.sub(f32x4.sub(m13, m23), m33);
        // Columns: (A^T M) A.
        const y00 = f32x4.add(f32x4.add(f32x4.add(s00, s01), s02), b);
        const y01 = f32x4.add(f32x4.sub(f32x4.sub(s01, s02), s03), b);
        const y10 = f32x4.add(f32x4.add(f32x4.add(s10, s11), s12), b);
        const y11 = f32x4.add(f32x4.sub(f32x4.sub(s11, s12), s13), b);
        const oy = 2 * ty,
          ox = 2 * tx;
        const row0 = plane + ((<usize>(oy * Wo + ox)) << 2);
        const row1 = row0 + ((<usize>Wo) << 2);
        if (tx + 4 <= tw && ox + 8 <= Wo && oy + 2 <= Ho) {
          v128.store(row0, finish(v128.shuffle<f32>(y00, y01, 0, 4, 1, 5), row0, e));
          v128.store(row0, finish(v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), row0 + 16, e), 16);
          v128.store(row1, finish(v128.shuffle<f32>(y10, y11, 0, 4, 1, 5), row1, e));
          v128.store(row1, finish(v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), row1 + 16, e), 16);
          continue;
        }
        const count = min(4, tw - tx);
        for (let k = 0; k < count; k++) {
          const x = ox + 2 * k;
          const q0 = row0 + ((<usize>(2 * k)) << 2);
          const q1 = row1 + ((<usize>(2 * k)) << 2);
          let a00: f32 = 0,
            a01: f32 = 0,
            a10: f32 = 0,
            a11: f32 = 0;
          if (k == 0) {
            a00 = f32x4.extract_lane(y00, 0);
            a01 = f32x4.extract_lane(y01, 0);
            a10 = f32x4.extract_lane(y10, 0);
            a11 = f32x4.extract_lane(y11, 0);
          } else if (k == 1) {
            a00 = f32x4.extract_lane(y00, 1);
            a01 = f32x4.extract_lane(y01, 1);
            a10 = f32x4.extract_lane(y10, 1);
            a11 = f32x4.extract_lane(y11, 1);
          } else if (k == 2) {
            a00 = f32x4.extract_lane(y00, 2);
            a01 = f32x4.extract_lane(y01, 2);
            a10 = f32x4.extract_lane(y10, 2);
            a11 = f32x4.extract_lane(y11, 2);
          } else {
            a00 = f32x4.extract_lane(y00, 3);
            a01 = f32x4.extract_lane(y01, 3);
            a10 = f32x4.extract_lane(y10, 3);
            a11 = f32x4.extract_lane(y11, 3);
          }
          store<f32>(q0, finish1(a00, q0, e));
          if (x + 1 < Wo) store<f32>(q0, finish1(a01, q0 + 4, e), 4);
          if (oy + 1 < Ho) {
            store<f32>(q1, finish1(a10, q1, e));
            if (x + 1 < Wo) store<f32>(q1, finish1(a11, q1 + 4, e), 4);
          }
        }
      }
    }
  }
}
