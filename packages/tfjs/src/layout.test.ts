import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ShapeError } from '@reparam/core';
import {
  depthwiseToOihw,
  hwioToOihw,
  nchwToNhwc,
  nhwcToNchw,
  oihwToDepthwise,
  oihwToHwio,
  type Shape4,
} from './layout.js';

const shape4 = fc.tuple(
  fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 1, max: 4 }),
);
const iota = (s: Shape4): Float32Array =>
  Float32Array.from({ length: s[0] * s[1] * s[2] * s[3] }, (_, i) => i + 0.5);

describe('layout', () => {
  it('oihwToHwio(hwioToOihw(k)) is k, and hwio[y,x,i,o] lands at oihw[o,i,y,x]', () => {
    fc.assert(
      fc.property(shape4, (s) => {
        const k = iota(s);
        const { weight, shape } = hwioToOihw(k, s);
        expect(shape).toEqual([s[3], s[2], s[0], s[1]]);
        const [kh, kw, ci, co] = s;
        const [y, x, i, o] = [kh - 1, 0, ci - 1, co >> 1];
        expect(weight[((o * ci + i) * kh + y) * kw + x]).toBe(k[((y * kw + x) * ci + i) * co + o]);
        expect(Array.from(oihwToHwio(weight, shape).kernel)).toEqual(Array.from(k));
      }),
    );
  });

  it('depthwise [kh, kw, c, m] round-trips through OIHW [c*m, 1, kh, kw] with channel c*m+j', () => {
    fc.assert(
      fc.property(shape4, (s) => {
        const k = iota(s);
        const { weight, shape } = depthwiseToOihw(k, s);
        const [kh, kw, c, m] = s;
        expect(shape).toEqual([c * m, 1, kh, kw]);
        const [y, x, ch, j] = [kh - 1, kw - 1, c - 1, m - 1];
        expect(weight[((ch * m + j) * kh + y) * kw + x]).toBe(k[((y * kw + x) * c + ch) * m + j]);
        const back = oihwToDepthwise(weight, shape, c);
        expect(back.shape).toEqual(s);
        expect(Array.from(back.kernel)).toEqual(Array.from(k));
      }),
    );
  });

  it('nchwToNhwc(nhwcToNchw(x)) is x, and nhwc[b,y,x,c] lands at nchw[b,c,y,x]', () => {
    fc.assert(
      fc.property(shape4, (s) => {
        const d = iota(s);
        const t = nhwcToNchw(d, s);
        const [n, h, w, c] = s;
        expect(t.shape).toEqual([n, c, h, w]);
        expect(t.data[(((n - 1) * c + 0) * h + (h - 1)) * w + 0]).toBe(
          d[(((n - 1) * h + (h - 1)) * w + 0) * c + 0],
        );
        const back = nchwToNhwc(t);
        expect(back.shape).toEqual(s);
        expect(Array.from(back.data)).toEqual(Array.from(d));
      }),
    );
  });

  it('refuses data whose length does not match the shape', () => {
    expect(() => hwioToOihw(new Float32Array(5), [1, 1, 2, 3])).toThrow(ShapeError);
    expect(() => nhwcToNchw(new Float32Array(5), [1, 1, 2, 3])).toThrow(
      /nhwcToNchw: data has 5 entries/,
    );
    expect(() => oihwToDepthwise(new Float32Array(6), [6, 1, 1, 1], 4)).toThrow(
      /not depthwise over 4 channels/,
    );
  });
});
