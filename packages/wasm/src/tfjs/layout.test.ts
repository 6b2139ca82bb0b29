import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  depthwiseToOihw,
  hwioToOihw,
  nchwToNhwc,
  nhwcToNchw,
  oihwToDepthwise,
  oihwToHwio,
} from './layout.js';

const dims = fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 1, max: 5 })));
const values = (n: number) => Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);

describe('tfjs layout boundary', () => {
  it('NHWC <-> NCHW round-trips and moves element (b, y, x, c) to (b, c, y, x)', () => {
    fc.assert(
      fc.property(dims, ([n, h, w, c]) => {
        const x = values(n * h * w * c);
        const y = nhwcToNchw(x, [n, h, w, c]);
        expect(nchwToNhwc(y, [n, c, h, w])).toEqual(x);
        const [b, i, j, k] = [n - 1, h - 1, w - 1, c - 1];
        expect(y[((b * c + k) * h + i) * w + j]).toBe(x[((b * h + i) * w + j) * c + k]);
      }),
    );
  });

  it('HWIO <-> OIHW and depthwise <-> OIHW round-trip', () => {
    fc.assert(
      fc.property(dims, ([kh, kw, ci, co]) => {
        const f = values(kh * kw * ci * co);
        const w = hwioToOihw(f, [kh, kw, ci, co]);
        expect(oihwToHwio(w, [co, ci, kh, kw])).toEqual(f);
        expect(w[((co - 1) * ci + 0) * kh * kw + (1 % (kh * kw))]).toBe(
          f[(Math.floor((1 % (kh * kw)) / kw) * kw + ((1 % (kh * kw)) % kw)) * ci * co + co - 1],
        );
        expect(oihwToDepthwise(depthwiseToOihw(f, [kh, kw, ci, co]), [kh, kw, ci, co])).toEqual(f);
      }),
    );
  });
});
