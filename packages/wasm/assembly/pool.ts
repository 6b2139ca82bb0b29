// Pooling over NCHW planes: windowed max / average (padded positions never win a max and count
// in an average only with countIncludePad) and global means / maxima.

/** 4 inputs for outputs ox..ox+3 of one tap: stride 1 one load, stride 2 even lanes of two. */
function taps(x: usize, sw: i32): v128 {
  if (sw == 1) return v128.load(x);
  if (sw == 2) return v128.shuffle<f32>(v128.load(x), v128.load(x, 16), 0, 2, 4, 6);
  const step = (<usize>sw) << 2;
  let v = f32x4.splat(load<f32>(x));
  v = f32x4.replace_lane(v, 1, load<f32>(x + step));
  v = f32x4.replace_lane(v, 2, load<f32>(x + 2 * step));
  return f32x4.replace_lane(v, 3, load<f32>(x + 3 * step));
}

/** One output by the scalar loop over the window clipped to the plane. */
function poolOne(
  xc: usize,
  H: i32,
  W: i32,
  y0: i32,
  x0: i32,
  kh: i32,
  kw: i32,
  takeMax: bool,
  divisor: i32,
): f32 {
  let acc: f32 = takeMax ? -Infinity : 0;
  const i0 = max(0, y0),
    i1 = min(H, y0 + kh);
  const j0 = max(0, x0),
    j1 = min(W, x0 + kw);
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      const v = load<f32>(xc + ((<usize>(i * W + j)) << 2));
      acc = takeMax ? Mathf.max(acc, v) : acc + v;
    }
  }
  if (takeMax) return acc;
  const count = divisor > 0 ? divisor : max((i1 - i0) * (j1 - j0), 1);
  return acc / <f32>count;
}

/**
 * Max of a 3-wide window at stride 1 or 2 for 4 outputs whose first tap is at `src`, over one
 * input row, folded into `acc` (stride 2: even / odd lanes of 3 loads by shuffles).
 */
function max3(acc: v128, src: usize, s: i32): v128 {
  if (s == 1) {
    acc = f32x4.pmax(acc, v128.load(src));
    acc = f32x4.pmax(acc, v128.load(src, 4));
    return f32x4.pmax(acc, v128.load(src, 8));
  }
  const a = v128.load(src),
    b = v128.load(src, 16);
  const even = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
  acc = f32x4.pmax(acc, even);
  acc = f32x4.pmax(acc, v128.shuffle<f32>(a, b, 1, 3, 5, 7));
  return f32x4.pmax(acc, v128.shuffle<f32>(even, v128.load(src, 32), 1, 2, 3, 4));
}

/**
 * 3x3 max pooling at stride s (1 or 2) of one output row whose windows start at input row y0:
 * vectors of 4 outputs whose windows lie inside the row, the rest by the scalar loop.
 */
function maxRow3(xc: usize, H: i32, W: i32, s: i32, y0: i32, pl: i32, row: usize, Wo: i32): void {
  const i0 = max(0, y0),
    i1 = min(H, y0 + 3);
  let ox = 0;
  while (ox < Wo) {
    const x0 = ox * s - pl;
    // Loads reach x0 + 3 s + 2 (+3 for stride 2's third load): inside the row or its padding.
    if (ox + 4 <= Wo && x0 >= 0 && x0 + 3 * s + 3 <= W && i1 > i0) {
      let acc = f32x4.splat(-Infinity);
      for (let i = i0; i < i1; i++) acc = max3(acc, xc + ((<usize>(i * W + x0)) << 2), s);
      v128.store(row + ((<usize>ox) << 2), acc);
      ox += 4;
      continue;
    }
    store<f32>(row + ((<usize>ox) << 2), poolOne(xc, H, W, y0, x0, 3, 3, true, 0));
    ox++;
  }
}

/**
 * Planes q0 <= q < q1: y[q] (Ho x Wo) = max (`max` != 0) or average of x[q] (H x W) over
 * kh x kw windows at stride (sh, sw) with top / left padding (pt, pl). Averages divide by the
 * window size when `includePad`, else by the positions inside the plane. Runs of 4 outputs whose
 * windows are inside the plane horizontally take the SIMD path.
 */
export function pool2d(
  x: usize,
  H: i32,
  W: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
  y: usize,
  Ho: i32,
  Wo: i32,
  isMax: i32,
  includePad: i32,
  q0: i32,
  q1: i32,
): void {
  const takeMax = isMax != 0;
  const divisor = includePad != 0 ? kh * kw : 0;
  for (let q = q0; q < q1; q++) {
    const xc = x + ((<usize>q * H * W) << 2);
    const yc = y + ((<usize>q * Ho * Wo) << 2);
    if (takeMax && kh == 3 && kw == 3 && sh == sw && sh <= 2) {
      for (let oy = 0; oy < Ho; oy++) {
        maxRow3(xc, H, W, sh, oy * sh - pt, pl, yc + ((<usize>oy * Wo) << 2), Wo);
      }
      continue;
    }
    for (let oy = 0; oy < Ho; oy++) {
      const y0 = oy * sh - pt;
      const i0 = max(0, y0),
        i1 = min(H, y0 + kh);
      const scale = f32x4.splat(<f32>1 / <f32>(divisor > 0 ? divisor : max((i1 - i0) * kw, 1)));
      const row = yc + ((<usize>oy * Wo) << 2);
      let ox = 0;
      while (ox < Wo) {
        const x0 = ox * sw - pl;
        // Vector path: 4 outputs whose windows lie inside the row (loads may read 1 float past).
        if (ox + 4 <= Wo && x0 >= 0 && x0 + 3 * sw + kw <= W && sw <= 2 && i1 > i0) {
          let acc = takeMax ? f32x4.splat(-Infinity) : f32x4.splat(0);
          for (let i = i0; i < i1; i++) {
            const src = xc + ((<usize>(i * W + x0)) << 2);
            for (let j = 0; j < kw; j++) {
              const v = taps(src + ((<usize>j) << 2), sw);
              acc = takeMax ? f32x4.pmax(acc, v) : f32x4.add(acc, v);
            }
          }
          v128.store(row + ((<usize>ox) << 2), takeMax ? acc : f32x4.mul(acc, scale));
          ox += 4;
          continue;
        }
        store<f32>(row + ((<usize>ox) << 2), poolOne(xc, H, W, y0, x0, kh, kw, takeMax, divisor));
        ox++;
      }
    }
  }
}

/** y[q] = mean (isMax = 0) or max of plane q (`plane` floats) for q0 <= q < q1. */
export function globalPool(x: usize, plane: i32, y: usize, isMax: i32, q0: i32, q1: i32): void {
  for (let q = q0; q < q1; q++) {
    const p = x + ((<usize>q * plane) << 2);
    let acc = isMax != 0 ? f32x4.splat(-Infinity) : f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= plane; i += 4) {
      const v = v128.load(p + ((<usize>i) << 2));
      acc = isMax != 0 ? f32x4.pmax(acc, v) : f32x4.add(acc, v);
    }
    let r: f32;
    if (isMax != 0) {
      r = Mathf.max(
        Mathf.max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)),
        Mathf.max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)),
      );
      for (; i < plane; i++) r = Mathf.max(r, load<f32>(p + ((<usize>i) << 2)));
    } else {
      r =
        f32x4.extract_lane(acc, 0) +
        f32x4.extract_lane(acc, 1) +
        (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      for (; i < plane; i++) r += load<f32>(p + ((<usize>i) << 2));
      r /= <f32>plane;
    }
    store<f32>(y + ((<usize>q) << 2), r);
  }
}
