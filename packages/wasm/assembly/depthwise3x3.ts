import { madd } from './madd';
import {
  epiBias,
  epiHasResidual,
  epiHigh,
  epiIsClamp,
  epiLow,
  epilogueOf,
  finish,
} from './epilogue';
// Depthwise 3x3 conv (dilation 1, stride 1 or 2) straight from the unpadded input, 4 outputs per
// vector (stride 2: even / odd lanes by shuffles), no padded copy (unlike depthwise.ts). Inside
// the plane a branch-free loop keeps the 9 weights in registers and sums each input row in its
// own short chain; vectors at the plane's borders go through `edge`, which masks the lanes whose
// taps fall outside.

/** Taps j of 4 outputs whose first tap is input column ix (lane k: column ix + s k + j). */
function taps(row: usize, ix: i32, s: i32, j: i32): v128 {
  const at = <usize>(<isize>row + ((<isize>(ix + j)) << 2));
  if (s == 1) return v128.load(at);
  return v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 0, 2, 4, 6);
}

/** All-ones lanes where index vector `idx` lies in [0, n). */
function inside(idx: v128, n: i32): v128 {
  return v128.and(i32x4.ge_s(idx, i32x4.splat(0)), i32x4.lt_s(idx, i32x4.splat(n)));
}

/**
 * One vector of outputs at (oy, ox..ox+3) of plane xc, any position: rows and lanes outside the
 * plane count as 0; stores the first `count` lanes with the epilogue. The loads may read a few
 * floats before or after a row (buffers are padded).
 */
function edge(
  xc: usize,
  H: i32,
  W: i32,
  s: i32,
  iy: i32,
  ix: i32,
  wo: usize,
  b: f32,
  at: usize,
  count: i32,
  e: usize,
): void {
  const lanes = s == 1 ? i32x4(0, 1, 2, 3) : i32x4(0, 2, 4, 6);
  const idx = i32x4.add(lanes, i32x4.splat(ix));
  let acc = f32x4.splat(b);
  for (let i = 0; i < 3; i++) {
    const r = iy + i;
    if (r < 0 || r >= H) continue;
    const row = xc + ((<usize>(r * W)) << 2);
    for (let j = 0; j < 3; j++) {
      const mask = inside(i32x4.add(idx, i32x4.splat(j)), W);
      const w = v128.load32_splat(wo + ((<usize>(i * 3 + j)) << 2));
      acc = madd(w, v128.and(taps(row, ix, s, j), mask), acc);
    }
  }
  acc = finish(acc, at, e);
  if (count >= 4) {
    v128.store(at, acc);
    return;
  }
  store<f32>(at, f32x4.extract_lane(acc, 0));
  if (count > 1) store<f32>(at, f32x4.extract_lane(acc, 1), 4);
  if (count > 2) store<f32>(at, f32x4.extract_lane(acc, 2), 8);
}

/** Width of a padded plane copy (see {@link padPlane}): whole vectors of outputs, +3 for stride 2. */
function paddedWidth(Wo: i32, s: i32): i32 {
  return ((((Wo + 3) & ~3) - 1) * s + 3 + (s == 2 ? 3 : 0) + 4) & ~3;
}

/** Copies plane xc (H x W) into Hp x Wp at (pt, pl), zeros around: rows then need no masks. */
function padPlane(xc: usize, H: i32, W: i32, pt: i32, pl: i32, pp: usize, Hp: i32, Wp: i32): void {
  const zero = f32x4.splat(0);
  for (let r = 0; r < Hp; r++) {
    const dst = pp + ((<usize>(r * Wp)) << 2);
    for (let c = 0; c < Wp; c += 4) v128.store(dst + ((<usize>c) << 2), zero);
    const iy = r - pt;
    if (iy < 0 || iy >= H) continue;
    const src = xc + ((<usize>(iy * W)) << 2);
    const to = dst + ((<usize>pl) << 2);
    let c = 0;
    for (; c + 4 <= W; c += 4)
      v128.store(to + ((<usize>c) << 2), v128.load(src + ((<usize>c) << 2)));
    for (; c < W; c++) store<f32>(to + ((<usize>c) << 2), load<f32>(src + ((<usize>c) << 2)));
  }
}

/**
 * Output planes q0 <= q < q1 (q = image * O + o, O = C * m): y[q] = epilogue(bias[o] +
 * sum_{i,j} w[o][i][j] x[image, o / m][oy s + i - pt][ox s + j - pl]) for stride `s` 1 or 2.
 * Stride-2 vectors read up to 3 floats past the last tap of a row (buffers are padded).
 * With `scratch` != 0 (small planes, where border vectors would dominate), each plane is first
 * copied with its zero padding into its own slot of `scratch` (Hp x Wp floats per output plane,
 * Hp = (Ho - 1) s + 3, Wp = paddedWidth) and every vector runs the branch-free loop.
 */
export function depthwise3x3(
  x: usize,
  H: i32,
  W: i32,
  C: i32,
  m: i32,
  s: i32,
  pt: i32,
  pl: i32,
  w: usize,
  epi: usize,
  y: usize,
  Ho: i32,
  Wo: i32,
  scratch: usize,
  q0: i32,
  q1: i32,
): void {
  const e = epilogueOf(epi);
  const bias = epiBias(e);
  const fast = epiIsClamp(e) && !epiHasResidual(e);
  const O = C * m;
  // Vectors starting at ox in [v0, v1) have all their taps inside the row and 4 outputs.
  const v0 = pl <= 0 ? 0 : (pl + s - 1) / s;
  const last = min(Wo - 4, s == 1 ? W - 6 + pl : (W - 9 + pl) >> 1);
  const v1 = max(v0, last + 1);
  for (let q = q0; q < q1; q++) {
    const img = q / O;
    const o = q - img * O;
    const xc = x + ((<usize>(img * C + o / m) * H * W) << 2);
    const wo = w + ((<usize>o * 9) << 2);
    const b: f32 = bias == 0 ? 0 : load<f32>(bias + ((<usize>o) << 2));
    const out = y + ((<usize>q * Ho * Wo) << 2);
    if (scratch != 0 && fast && pt >= 0 && pl >= 0) {
      const Hp = (Ho - 1) * s + 3;
      const Wp = paddedWidth(Wo, s);
      const pp = scratch + ((<usize>q * Hp * Wp) << 2);
      padPlane(xc, H, W, pt, pl, pp, Hp, Wp);
      const vectors = (Wo + 3) & ~3;
      for (let oy = 0; oy < Ho; oy++) {
        const row = pp + ((<usize>(oy * s * Wp)) << 2);
        const orow = out + ((<usize>oy * Wo) << 2);
        // A row's last vector may spill into the next rows, which are written after it, but
        // not past the plane (the next one may be another thread's, or another buffer): on
        // planes narrower than a vector that also rules out rows other than the last.
        const end = (oy + 1) * Wo + vectors - Wo <= Ho * Wo ? vectors : Wo & ~3;
        if (s == 1) interior1(row, Wp, wo, b, orow, 0, end, e);
        else interior2(row, Wp, wo, b, orow, 0, end, e);
        if (end < Wo)
          edge(
            xc,
            H,
            W,
            s,
            oy * s - pt,
            end * s - pl,
            wo,
            b,
            orow + ((<usize>end) << 2),
            Wo - end,
            e,
          );
      }
      continue;
    }
    for (let oy = 0; oy < Ho; oy++) {
      const iy = oy * s - pt;
      const orow = out + ((<usize>oy * Wo) << 2);
      let ox = 0;
      if (fast && iy >= 0 && iy + 2 < H) {
        for (; ox < v0 && ox < Wo; ox += 4) {
          edge(xc, H, W, s, iy, ox * s - pl, wo, b, orow + ((<usize>ox) << 2), Wo - ox, e);
        }
        if (s == 1) interior1(xc + ((<usize>(iy * W - pl)) << 2), W, wo, b, orow, ox, v1, e);
        else interior2(xc + ((<usize>(iy * W - pl)) << 2), W, wo, b, orow, ox, v1, e);
        ox = max(ox, ((v1 - ox + 3) >> 2) * 4 + ox);
      }
      for (; ox < Wo; ox += 4) {
        edge(xc, H, W, s, iy, ox * s - pl, wo, b, orow + ((<usize>ox) << 2), Wo - ox, e);
      }
    }
  }
}

/**
 * Stride 1, rows iy..iy+2 inside the plane: vectors at ox = start, start + 4, ... < end, whose
 * taps start at column ox of `row0` (already shifted by the left padding); clamp epilogue.
 */
function interior1(
  row0: usize,
  W: i32,
  wo: usize,
  b: f32,
  orow: usize,
  start: i32,
  end: i32,
  e: usize,
): void {
  const w00 = v128.load32_splat(wo),
    w01 = v128.load32_splat(wo, 4),
    w02 = v128.load32_splat(wo, 8);
  const w10 = v128.load32_splat(wo, 12),
    w11 = v128.load32_splat(wo, 16),
    w12 = v128.load32_splat(wo, 20);
  const w20 = v128.load32_splat(wo, 24),
    w21 = v128.load32_splat(wo, 28),
    w22 = v128.load32_splat(wo, 32);
  const row1 = row0 + ((<usize>W) << 2);
  const row2 = row1 + ((<usize>W) << 2);
  const low = epiLow(e);
  const high = epiHigh(e);
  const bias = f32x4.splat(b);
  for (let ox = start; ox < end; ox += 4) {
    const at = (<usize>ox) << 2;
    // One short chain per input row (a single 9-long chain would wait on its latency).
    let t0 = f32x4.mul(w00, v128.load(row0 + at));
    t0 = madd(w01, v128.load(row0 + at, 4), t0);
    t0 = madd(w02, v128.load(row0 + at, 8), t0);
    let t1 = f32x4.mul(w10, v128.load(row1 + at));
    t1 = madd(w11, v128.load(row1 + at, 4), t1);
    t1 = madd(w12, v128.load(row1 + at, 8), t1);
    let t2 = f32x4.mul(w20, v128.load(row2 + at));
    t2 = madd(w21, v128.load(row2 + at, 4), t2);
    t2 = madd(w22, v128.load(row2 + at, 8), t2);
    const v = f32x4.add(f32x4.add(bias, t0), f32x4.add(t1, t2));
    v128.store(orow + at, f32x4.pmin(f32x4.pmax(v, low), high));
  }
}

/** {@link interior1} for stride 2: output ox's taps start at column 2 ox of `row0`. */
function interior2(
  row0: usize,
  W: i32,
  wo: usize,
  b: f32,
  orow: usize,
  start: i32,
  end: i32,
  e: usize,
): void {
  const w00 = v128.load32_splat(wo),
    w01 = v128.load32_splat(wo, 4),
    w02 = v128.load32_splat(wo, 8);
  const w10 = v128.load32_splat(wo, 12),
    w11 = v128.load32_splat(wo, 16),
    w12 = v128.load32_splat(wo, 20);
  const w20 = v128.load32_splat(wo, 24),
    w21 = v128.load32_splat(wo, 28),
    w22 = v128.load32_splat(wo, 32);
  const row1 = row0 + ((<usize>W) << 2);
  const row2 = row1 + ((<usize>W) << 2);
  const low = epiLow(e);
  const high = epiHigh(e);
  const bias = f32x4.splat(b);
  for (let ox = start; ox < end; ox += 4) {
    const at = (<usize>ox) << 3;
    let a = v128.load(row0 + at),
      c = v128.load(row0 + at, 16);
    let even = v128.shuffle<f32>(a, c, 0, 2, 4, 6);
    let t0 = f32x4.mul(w00, even);
    t0 = madd(w01, v128.shuffle<f32>(a, c, 1, 3, 5, 7), t0);
    t0 = madd(w02, v128.shuffle<f32>(even, v128.load(row0 + at, 32), 1, 2, 3, 4), t0);
    a = v128.load(row1 + at);
    c = v128.load(row1 + at, 16);
    even = v128.shuffle<f32>(a, c, 0, 2, 4, 6);
    let t1 = f32x4.mul(w10, even);
    t1 = madd(w11, v128.shuffle<f32>(a, c, 1, 3, 5, 7), t1);
    t1 = madd(w12, v128.shuffle<f32>(even, v128.load(row1 + at, 32), 1, 2, 3, 4), t1);
    a = v128.load(row2 + at);
    c = v128.load(row2 + at, 16);
    even = v128.shuffle<f32>(a, c, 0, 2, 4, 6);
    let t2 = f32x4.mul(w20, even);
    t2 = madd(w21, v128.shuffle<f32>(a, c, 1, 3, 5, 7), t2);
    t2 = madd(w22, v128.shuffle<f32>(even, v128.load(row2 + at, 32), 1, 2, 3, 4), t2);
    const v = f32x4.add(f32x4.add(bias, t0), f32x4.add(t1, t2));
    v128.store(orow + ((<usize>ox) << 2), f32x4.pmin(f32x4.pmax(v, low), high));
  }
}
