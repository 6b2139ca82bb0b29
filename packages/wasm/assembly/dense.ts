// Fully connected layer for few rows (batch-1 classifier heads): y[r][o] = act(b[o] +
// sum_k W[o][k] x[r][k]), W row-major [O][K] as stored, 4 outputs at a time, SIMD along k.
import { activate, epiBias, epilogueOf } from './epilogue';

function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

/** Outputs o0 <= o < o1 of every row r < rows (x rows of K floats, y rows of O floats). */
export function dense(
  w: usize,
  x: usize,
  rows: i32,
  K: i32,
  O: i32,
  y: usize,
  epi: usize,
  o0: i32,
  o1: i32,
): void {
  const e = epilogueOf(epi);
  const bias = epiBias(e);
  const k4 = K & ~3;
  const rowW = (<usize>K) << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowW;
    const yr = y + ((<usize>r * O) << 2);
    let o = o0;
    for (; o + 4 <= o1; o += 4) {
      const w0 = w + <usize>o * rowW;
      const w1 = w0 + rowW,
        w2 = w1 + rowW,
        w3 = w2 + rowW;
      let a0 = f32x4.splat(0),
        a1 = f32x4.splat(0),
        a2 = f32x4.splat(0),
        a3 = f32x4.splat(0);
      for (let k = 0; k < k4; k += 4) {
        const at = (<usize>k) << 2;
        const xv = v128.load(xr + at);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + at), xv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(w1 + at), xv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(w2 + at), xv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(w3 + at), xv));
      }
      let s0 = hsum(a0),
        s1 = hsum(a1),
        s2 = hsum(a2),
        s3 = hsum(a3);
      for (let k = k4; k < K; k++) {
        const at = (<usize>k) << 2;
        const xk = load<f32>(xr + at);
        s0 += load<f32>(w0 + at) * xk;
        s1 += load<f32>(w1 + at) * xk;
        s2 += load<f32>(w2 + at) * xk;
        s3 += load<f32>(w3 + at) * xk;
      }
      let v = f32x4.replace_lane(f32x4.splat(s0), 1, s1);
      v = f32x4.replace_lane(f32x4.replace_lane(v, 2, s2), 3, s3);
      if (bias != 0) v = f32x4.add(v, v128.load(bias + ((<usize>o) << 2)));
      v128.store(yr + ((<usize>o) << 2), activate(v, e));
    }
    for (; o < o1; o++) {
      const wo = w + <usize>o * rowW;
      let s: f32 = bias != 0 ? load<f32>(bias + ((<usize>o) << 2)) : 0;
      for (let k = 0; k < K; k++)
        s += load<f32>(wo + ((<usize>k) << 2)) * load<f32>(xr + ((<usize>k) << 2));
      store<f32>(yr + ((<usize>o) << 2), f32x4.extract_lane(activate(f32x4.splat(s), e), 0));
    }
  }
}
