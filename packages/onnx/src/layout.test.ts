import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { depthwiseToOihw, hwioToOihw, oihwToHwio } from './layout.js';

const dims = fc.tuple(
  fc.integer({ min: 1, max: 3 }),
  fc.integer({ min: 1, max: 3 }),
  fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 1, max: 4 }),
);

describe('layout', () => {
  it('oihwToHwio(hwioToOihw(k)) = k', () => {
    fc.assert(
      fc.property(dims, (d) => {
        const n = d[0] * d[1] * d[2] * d[3];
        const k = Float32Array.from({ length: n }, (_, i) => i);
        const { weight, dims: o } = hwioToOihw(k, d);
        expect(o).toEqual([d[3], d[2], d[0], d[1]]);
        expect(Array.from(oihwToHwio(weight, o).kernel)).toEqual(Array.from(k));
      }),
    );
  });

  it('HWIO element [y, x, i, o] lands at OIHW [o, i, y, x]; depthwise [y, x, c, m] at [c * M + m, 0, y, x]', () => {
    const d = [2, 3, 4, 5];
    const k = Float32Array.from({ length: 120 }, (_, i) => i);
    const at = (y: number, x: number, i: number, o: number) => ((y * 3 + x) * 4 + i) * 5 + o;
    expect(hwioToOihw(k, d).weight[((4 * 4 + 2) * 2 + 1) * 3 + 2]).toBe(at(1, 2, 2, 4));
    expect(depthwiseToOihw(k, d).weight[((2 * 5 + 3) * 2 + 1) * 3 + 0]).toBe(at(1, 0, 2, 3));
  });
});
