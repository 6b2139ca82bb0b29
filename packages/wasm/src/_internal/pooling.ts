/** A 2-D pooling window: kernel, stride and [top, left, bottom, right] padding. */
export interface PoolWindow {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number, number, number];
}

/** Output height and width of a pooling window on h x w. */
export function poolOutput(p: PoolWindow, h: number, w: number): [number, number] {
  const [pt, pl, pb, pr] = p.padding;
  return [
    Math.floor((h + pt + pb - p.kernel[0]) / p.stride[0]) + 1,
    Math.floor((w + pl + pr - p.kernel[1]) / p.stride[1]) + 1,
  ];
}

/**
 * Max or average pooling of `planes` planes h x w (x) into ho x wo (y), NCHW float32 views.
 * Padded positions never win a max; for the average they count only when `countIncludePad`
 * (ONNX AveragePool's `count_include_pad`, default 0).
 */
export function pool2d(
  mode: 'max' | 'avg',
  p: PoolWindow,
  countIncludePad: boolean,
  x: Float32Array,
  planes: number,
  h: number,
  w: number,
  y: Float32Array,
): void {
  const [ho, wo] = poolOutput(p, h, w);
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  const [pt, pl] = p.padding;
  for (let c = 0; c < planes; c++) {
    const xc = c * h * w;
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const y0 = oy * sh - pt;
        const x0 = ox * sw - pl;
        let acc = mode === 'max' ? -Infinity : 0;
        let count = 0;
        for (let i = Math.max(0, y0); i < Math.min(h, y0 + kh); i++) {
          for (let j = Math.max(0, x0); j < Math.min(w, x0 + kw); j++) {
            const v = x[xc + i * w + j];
            acc = mode === 'max' ? Math.max(acc, v) : acc + v;
            count++;
          }
        }
        if (mode === 'avg') acc /= countIncludePad ? kh * kw : Math.max(count, 1);
        y[(c * ho + oy) * wo + ox] = acc;
      }
    }
  }
}
