import { madd } from './madd';
// Direct weight gradient of a stride-1 conv (any dilation), accumulated over images:
//   dW[o][c][i][j] += sum_{oy, ox} dy[o][oy][ox] * xp[c][oy + i dh][ox + j dw]
// with xp the zero-padded input planes (padPlanes). Rows of dy and xp are contiguous, so each
// term is a dot product along ox: no packing. Register block: 4 output channels x 3 taps of a
// kernel row = 12 f32x4 accumulators, 4 dy loads + 3 xp loads per 12 multiply-adds.

function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    f32x4.extract_lane(v, 2) +
    f32x4.extract_lane(v, 3)
  );
}

function addTo(dw: usize, v: v128): void {
  store<f32>(dw, load<f32>(dw) + hsum(v));
}

/**
 * For input channels c0 <= c < c1 (of cg): dW (og x cg x kh x kw, OIHW of one group) += the
 * correlation, summed over n images, of dy (og planes Ho x Wd, columns past Wo zero, Wd a multiple of 4) with xp (cg
 * planes Hp x Wp, Wp >= Wd + (kw + 2) * dw). Each c writes only dW[:, c], so ranges split safely.
 */
export function weightGradDirect(
  xp: usize,
  Hp: i32,
  Wp: i32,
  dy: usize,
  og: i32,
  Ho: i32,
  Wd: i32,
  cg: i32,
  kh: i32,
  kw: i32,
  dh: i32,
  dwl: i32,
  dW: usize,
  n: i32,
  c0: i32,
  c1: i32,
): void {
  // Image b's xp planes follow image b - 1's (cg planes each); likewise dy (og planes each).
  const xImage = (<usize>(cg * Hp * Wp)) << 2;
  const dyImage = (<usize>(og * Ho * Wd)) << 2;
  const dyPlane = (<usize>(Ho * Wd)) << 2;
  const step = (<usize>dwl) << 2;
  for (let c = c0; c < c1; c++) {
    const xc = xp + ((<usize>(c * Hp * Wp)) << 2);
    for (let o = 0; o < og; o += 4) {
      // Rows past og repeat the last one; their sums are discarded.
      const d0 = dy + <usize>o * dyPlane;
      const d1 = dy + <usize>min(o + 1, og - 1) * dyPlane;
      const d2 = dy + <usize>min(o + 2, og - 1) * dyPlane;
      const d3 = dy + <usize>min(o + 3, og - 1) * dyPlane;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j += 3) {
          let a00 = f32x4.splat(0),
            a01 = a00,
            a02 = a00;
          let a10 = a00,
            a11 = a00,
            a12 = a00;
          let a20 = a00,
            a21 = a00,
            a22 = a00;
          let a30 = a00,
            a31 = a00,
            a32 = a00;
          for (let img = 0; img < n; img++) {
            for (let oy = 0; oy < Ho; oy++) {
              let x = xc + <usize>img * xImage + ((<usize>((oy + i * dh) * Wp + j * dwl)) << 2);
              const r = <usize>img * dyImage + ((<usize>(oy * Wd)) << 2);
              let p0 = d0 + r,
                p1 = d1 + r,
                p2 = d2 + r,
                p3 = d3 + r;
              for (let ox = 0; ox < Wd; ox += 4) {
                const x0 = v128.load(x),
                  x1 = v128.load(x + step),
                  x2 = v128.load(x + 2 * step);
                let d = v128.load(p0);
                a00 = madd(d, x0, a00);
                a01 = madd(d, x1, a01);
                a02 = madd(d, x2, a02);
                d = v128.load(p1);
                a10 = madd(d, x0, a10);
                a11 = madd(d, x1, a11);
                a12 = madd(d, x2, a12);
                d = v128.load(p2);
                a20 = madd(d, x0, a20);
                a21 = madd(d, x1, a21);
                a22 = madd(d, x2, a22);
                d = v128.load(p3);
                a30 = madd(d, x0, a30);
                a31 = madd(d, x1, a31);
                a32 = madd(d, x2, a32);
                x += 16;
                p0 += 16;
                p1 += 16;
                p2 += 16;
                p3 += 16;
              }
            }
          }
          const tap = (<usize>((c * kh + i) * kw + j)) << 2;
          const oStride = (<usize>(cg * kh * kw)) << 2;
          const w0 = dW + <usize>o * oStride + tap;
          const js = min(3, kw - j);
          addTo(w0, a00);
          if (js > 1) addTo(w0 + 4, a01);
          if (js > 2) addTo(w0 + 8, a02);
          if (o + 1 < og) {
            addTo(w0 + oStride, a10);
            if (js > 1) addTo(w0 + oStride + 4, a11);
            if (js > 2) addTo(w0 + oStride + 8, a12);
          }
          if (o + 2 < og) {
            addTo(w0 + 2 * oStride, a20);
            if (js > 1) addTo(w0 + 2 * oStride + 4, a21);
            if (js > 2) addTo(w0 + 2 * oStride + 8, a22);
          }
          if (o + 3 < og) {
            addTo(w0 + 3 * oStride, a30);
            if (js > 1) addTo(w0 + 3 * oStride + 4, a31);
            if (js > 2) addTo(w0 + 3 * oStride + 8, a32);
          }
        }
      }
    }
  }
}
