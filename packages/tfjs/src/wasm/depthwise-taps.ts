import type { ConvDims } from './conv-info.js';

/**
 * Visits every (output pixel, kernel tap) pair of a depthwise conv whose input position lies
 * inside the image, with the NHWC offsets of the input pixel (`x0`), the HWC filter tap (`w0`)
 * and the output pixel (`d0`). Both depthwise gradients walk this same window.
 */
export function forEachDepthwiseTap(
  d: ConvDims,
  visit: (x0: number, w0: number, d0: number) => void,
): void {
  const { n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, top, left } = d;
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const d0 = ((bi * ho + oy) * wo + ox) * co;
        for (let y = 0; y < kh; y++) {
          const iy = oy * sh + y * dh - top;
          if (iy < 0 || iy >= h) continue;
          for (let xk = 0; xk < kw; xk++) {
            const ix = ox * sw + xk * dw - left;
            if (ix < 0 || ix >= w) continue;
            visit(((bi * h + iy) * w + ix) * ci, (y * kw + xk) * co, d0);
          }
        }
      }
    }
  }
}
