// Element-wise kernels of the graph runtime: sums, products, per-channel affine maps and
// activations. Tensors are float32 buffers padded to whole vectors, so the vector kernels run
// over whole f32x4 (ranges in vectors) and may write up to 3 floats past the last element.
import { activate, epilogueOf } from './epilogue';

/** y = act(a + b) (act from the epilogue descriptor `epi`) for vectors v0 <= v < v1. */
export function addVectors(a: usize, b: usize, y: usize, epi: usize, v0: i32, v1: i32): void {
  const e = epilogueOf(epi);
  for (let v = v0; v < v1; v++) {
    const at = (<usize>v) << 4;
    const s = f32x4.add(v128.load(a + at), v128.load(b + at));
    v128.store(y + at, activate(s, e));
  }
}

/** y = a * b for vectors v0 <= v < v1. */
export function mulVectors(a: usize, b: usize, y: usize, v0: i32, v1: i32): void {
  for (let v = v0; v < v1; v++) {
    const at = (<usize>v) << 4;
    v128.store(y + at, f32x4.mul(v128.load(a + at), v128.load(b + at)));
  }
}

/** y = act(x) for vectors v0 <= v < v1 (y may be x). */
export function activateVectors(x: usize, y: usize, epi: usize, v0: i32, v1: i32): void {
  const e = epilogueOf(epi);
  for (let v = v0; v < v1; v++) {
    const at = (<usize>v) << 4;
    v128.store(y + at, activate(v128.load(x + at), e));
  }
}

/**
 * Planes q0 <= q < q1 of `plane` floats (q = image * C + c): y[q] = act(x[q] op s[q']), `op`
 * 0 = add, 1 = multiply, with one value s per plane of image (q / C) * sImage + c (sImage = 0:
 * one value per channel for every image). Planes are contiguous; y may be x.
 */
export function broadcastPlanes(
  x: usize,
  s: usize,
  y: usize,
  plane: i32,
  C: i32,
  sImage: i32,
  op: i32,
  epi: usize,
  q0: i32,
  q1: i32,
): void {
  const e = epilogueOf(epi);
  for (let q = q0; q < q1; q++) {
    const img = q / C;
    const sv = v128.load32_splat(s + ((<usize>(img * sImage + q - img * C)) << 2));
    const base = (<usize>q * plane) << 2;
    let i = 0;
    for (; i + 4 <= plane; i += 4) {
      const at = base + ((<usize>i) << 2);
      const v = v128.load(x + at);
      const r = op == 0 ? f32x4.add(v, sv) : f32x4.mul(v, sv);
      v128.store(y + at, activate(r, e));
    }
    for (; i < plane; i++) {
      const at = base + ((<usize>i) << 2);
      const v = f32x4.splat(load<f32>(x + at));
      const r = op == 0 ? f32x4.add(v, sv) : f32x4.mul(v, sv);
      store<f32>(y + at, f32x4.extract_lane(activate(r, e), 0));
    }
  }
}

/**
 * Planes q0 <= q < q1 of `plane` floats (q = image * C + c): y[q] = x[q] * scale[c] + shift[c];
 * `scale` / `shift` hold C values, or 1 when their count is 1. y may be x.
 */
export function channelAffine(
  x: usize,
  y: usize,
  scale: usize,
  scaleCount: i32,
  shift: usize,
  shiftCount: i32,
  plane: i32,
  C: i32,
  q0: i32,
  q1: i32,
): void {
  for (let q = q0; q < q1; q++) {
    const c = q % C;
    const a = v128.load32_splat(scale + (scaleCount == 1 ? 0 : (<usize>c) << 2));
    const b = v128.load32_splat(shift + (shiftCount == 1 ? 0 : (<usize>c) << 2));
    const base = (<usize>q * plane) << 2;
    let i = 0;
    for (; i + 4 <= plane; i += 4) {
      const at = base + ((<usize>i) << 2);
      v128.store(y + at, f32x4.add(f32x4.mul(v128.load(x + at), a), b));
    }
    for (; i < plane; i++) {
      const at = base + ((<usize>i) << 2);
      store<f32>(y + at, load<f32>(x + at) * f32x4.extract_lane(a, 0) + f32x4.extract_lane(b, 0));
    }
  }
}
