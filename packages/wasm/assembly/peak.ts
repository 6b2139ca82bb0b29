import { madd } from './madd';
// The SIMD multiply-add ceiling of this engine and core: 12 independent f32x4 accumulators
// (enough to hide the latency), no memory traffic. `pnpm bench` reports it next to the networks.

/** Runs `iterations` x 12 f32x4 multiply-adds (8 flops each) and returns a checksum. */
export function simdPeak(iterations: i32): f32 {
  const a = f32x4.splat(0.999);
  const b = f32x4.splat(0.001);
  let c0 = f32x4.splat(0),
    c1 = f32x4.splat(1),
    c2 = f32x4.splat(2),
    c3 = f32x4.splat(3);
  let c4 = f32x4.splat(4),
    c5 = f32x4.splat(5),
    c6 = f32x4.splat(6),
    c7 = f32x4.splat(7);
  let c8 = f32x4.splat(8),
    c9 = f32x4.splat(9),
    c10 = f32x4.splat(10),
    c11 = f32x4.splat(11);
  for (let i = 0; i < iterations; i++) {
    c0 = madd(c0, a, b);
    c1 = madd(c1, a, b);
    c2 = madd(c2, a, b);
    c3 = madd(c3, a, b);
    c4 = madd(c4, a, b);
    c5 = madd(c5, a, b);
    c6 = madd(c6, a, b);
    c7 = madd(c7, a, b);
    c8 = madd(c8, a, b);
    c9 = madd(c9, a, b);
    c10 = madd(c10, a, b);
    c11 = madd(c11, a, b);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)),
    f32x4.add(
      f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)),
      f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)),
    ),
  );
  return f32x4.extract_lane(s, 0);
}
