// Zero-padded copy of C planes, so that transforms downstream read without bounds checks.

/**
 * dst[q][y + pt][x + pl] = src plane q at [y][x], 0 elsewhere in the Hp x Wp destination planes,
 * for planes q0 <= q < q1; source plane q is channel q % cg of image q / cg, images
 * `imageStride` floats apart (so one group of a batch pads in one call). Negative pt / pl crop.
 */
export function padPlanes(
  src: usize,
  H: i32,
  W: i32,
  pt: i32,
  pl: i32,
  dst: usize,
  Hp: i32,
  Wp: i32,
  cg: i32,
  imageStride: i32,
  q0: i32,
  q1: i32,
): void {
  const y0 = max(0, -pt),
    y1 = min(H, Hp - pt);
  const x0 = max(0, -pl),
    x1 = min(W, Wp - pl);
  for (let q = q0; q < q1; q++) {
    const b = q / cg;
    const s = src + ((<usize>b * imageStride + <usize>(q - b * cg) * H * W) << 2);
    const d = dst + ((<usize>q * Hp * Wp) << 2);
    memory.fill(d, 0, (<usize>Hp * Wp) << 2);
    if (x1 <= x0) continue;
    for (let y = y0; y < y1; y++) {
      memory.copy(
        d + ((<usize>((y + pt) * Wp + x0 + pl)) << 2),
        s + ((<usize>(y * W + x0)) << 2),
        (<usize>(x1 - x0)) << 2,
      );
    }
  }
}
