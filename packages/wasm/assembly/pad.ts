// Zero-padded copy of C planes, so that transforms downstream read without bounds checks.

/**
 * dst[c][y + pt][x + pl] = src[c][y][x] for the H x W source planes, 0 elsewhere in the
 * Hp x Wp destination planes. Negative pt / pl crop. Planes c0 <= c < c1.
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
  c0: i32,
  c1: i32,
): void {
  const y0 = max(0, -pt),
    y1 = min(H, Hp - pt);
  const x0 = max(0, -pl),
    x1 = min(W, Wp - pl);
  for (let c = c0; c < c1; c++) {
    const s = src + ((<usize>c * H * W) << 2);
    const d = dst + ((<usize>c * Hp * Wp) << 2);
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
