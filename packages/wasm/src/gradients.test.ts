import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  conv2dReference,
  makeConv,
  randomTensor,
  ShapeError,
  type Conv,
  type Tensor,
} from '@reparam/core';
import { WasmConvRuntime } from './conv-runtime.js';
import { convInputGradient, convWeightGradient } from './gradients.js';
import { convCase } from './test-helpers/arbitraries.js';
import { nchwToNhwc } from './tfjs/layout.js';

// Adjoint laws with core's float64 conv as the only oracle (the conv is linear in x and in W, b):
//   <dX(dy), v>            = <dy, conv_{W, 0}(v)>       for any v
//   <dW(dy), V> + <db, vb> = <dy, conv_{V, vb}(x)>      for any V, vb

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
function absDot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
  return s;
}
function withParams(conv: Conv, weight: Float64Array, bias: Float64Array): Conv {
  return { ...conv, weight, bias };
}
function outputOf(input: Tensor, conv: Conv): Tensor {
  return conv2dReference(input, conv);
}

let rts: WasmConvRuntime[] = [];
beforeAll(async () => {
  rts = [await WasmConvRuntime.create(), await WasmConvRuntime.create({ threads: 2 })];
});
afterAll(() => rts.forEach((rt) => rt.dispose()));

describe('convolution gradients (SIMD GEMM + im2col / col2im)', () => {
  it('input gradient is the adjoint of the conv: <dX(dy), v> = <dy, conv(v)>', () => {
    fc.assert(
      fc.property(convCase(), fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (c, seed, two) => {
        const rt = rts[two ? 1 : 0];
        const y = outputOf(c.input, c.conv);
        const dy = randomTensor(y.shape, seed);
        const v = randomTensor(c.input.shape, seed + 1);
        const dx = convInputGradient(rt, dy.data, c.conv, c.input.shape);
        const zero = withParams(
          c.conv,
          Float64Array.from(c.conv.weight),
          new Float64Array(c.conv.shape[0]),
        );
        const cv = outputOf(v, zero);
        const scale = absDot(dy.data, cv.data) + 1e-12;
        expect(Math.abs(dot(dx, v.data) - dot(dy.data, cv.data)) / scale).toBeLessThan(1e-5);
      }),
      { numRuns: 120 },
    );
  });

  it('weight and bias gradients are the adjoint in the parameters', () => {
    fc.assert(
      fc.property(convCase(), fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (c, seed, two) => {
        const rt = rts[two ? 1 : 0];
        const y = outputOf(c.input, c.conv);
        const dy = randomTensor(y.shape, seed);
        const [o, ig, kh, kw] = c.conv.shape;
        const g = convWeightGradient(
          rt,
          c.input.data,
          c.input.shape,
          dy.data,
          c.conv.shape,
          c.conv.geometry,
        );
        const vw = randomTensor([o, ig, kh, kw], seed + 1).data;
        const vb = randomTensor([1, 1, 1, o], seed + 2).data;
        const cv = outputOf(c.input, withParams(c.conv, vw, vb));
        const lhs = dot(g.weight, vw) + dot(g.bias, vb);
        const scale = absDot(dy.data, cv.data) + 1e-12;
        expect(Math.abs(lhs - dot(dy.data, cv.data)) / scale).toBeLessThan(1e-5);
      }),
      { numRuns: 120 },
    );
  });

  it('input gradient of wide 3x3 stride-1 convs (the Winograd transposed-conv path) is the adjoint', () => {
    const wide = fc.record({
      cg: fc.integer({ min: 8, max: 10 }),
      og: fc.integer({ min: 8, max: 11 }),
      groups: fc.integer({ min: 1, max: 2 }),
      padding: fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: -1, max: 2 }))),
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 3, max: 12 }),
      w: fc.integer({ min: 3, max: 12 }),
      seed: fc.integer({ min: 1, max: 1e6 }),
      two: fc.boolean(),
    });
    fc.assert(
      fc.property(wide, (r) => {
        const [pt, pl, pb, pr] = r.padding;
        const h = Math.max(r.h, 3 - pt - pb);
        const w = Math.max(r.w, 3 - pl - pr);
        const o = r.og * r.groups;
        const conv = makeConv({
          shape: [o, r.cg, 3, 3],
          weight: Float32Array.from(randomTensor([o, r.cg, 3, 3], r.seed).data),
          padding: [pt, pl, pb, pr],
          groups: r.groups,
        });
        const input = randomTensor([r.n, r.cg * r.groups, h, w], r.seed + 1);
        const dy = randomTensor(outputOf(input, conv).shape, r.seed + 2);
        const dx = convInputGradient(rts[r.two ? 1 : 0], dy.data, conv, input.shape);
        const cv = outputOf(input, conv);
        const scale = absDot(dy.data, cv.data) + 1e-12;
        expect(Math.abs(dot(dx, input.data) - dot(dy.data, cv.data)) / scale).toBeLessThan(1e-4);
      }),
      { numRuns: 60 },
    );
  });

  it('input gradient of stride-1 depthwise convs (the flipped depthwise path) is the adjoint', () => {
    const cases = fc.record({
      c: fc.integer({ min: 1, max: 6 }),
      kh: fc.integer({ min: 1, max: 5 }),
      kw: fc.integer({ min: 1, max: 5 }),
      dh: fc.integer({ min: 1, max: 2 }),
      dw: fc.integer({ min: 1, max: 2 }),
      padding: fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: -1, max: 3 }))),
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 14 }),
      w: fc.integer({ min: 1, max: 14 }),
      seed: fc.integer({ min: 1, max: 1e6 }),
    });
    fc.assert(
      fc.property(cases, (r) => {
        const [pt, pl, pb, pr] = r.padding;
        const h = Math.max(r.h, r.dh * (r.kh - 1) + 1 - pt - pb);
        const w = Math.max(r.w, r.dw * (r.kw - 1) + 1 - pl - pr);
        const conv = makeConv({
          shape: [r.c, 1, r.kh, r.kw],
          weight: Float32Array.from(randomTensor([r.c, 1, r.kh, r.kw], r.seed).data),
          padding: [pt, pl, pb, pr],
          dilation: [r.dh, r.dw],
          groups: r.c,
        });
        const input = randomTensor([r.n, r.c, h, w], r.seed + 1);
        const cv = outputOf(input, conv);
        const dy = randomTensor(cv.shape, r.seed + 2);
        const dx = convInputGradient(rts[0], dy.data, conv, input.shape);
        const scale = absDot(dy.data, cv.data) + 1e-12;
        expect(Math.abs(dot(dx, input.data) - dot(dy.data, cv.data)) / scale).toBeLessThan(1e-5);
      }),
      { numRuns: 100 },
    );
  });

  it('stride-1 weight gradient over a batch split into passes (large images) is the adjoint', () => {
    // 8 channels at 160x160: ~1.7 MB of padded copies per image, so 2 images per pass of 3.
    const conv = makeConv({
      shape: [8, 8, 3, 3],
      weight: new Float32Array(8 * 8 * 9),
      padding: [1, 2, 0, 1],
    });
    const input = randomTensor([3, 8, 160, 160], 21);
    const dy = randomTensor(outputOf(input, conv).shape, 22);
    const g = convWeightGradient(
      rts[0],
      input.data,
      input.shape,
      dy.data,
      conv.shape,
      conv.geometry,
    );
    const vw = randomTensor([8, 8, 3, 3], 23).data;
    const vb = randomTensor([1, 1, 1, 8], 24).data;
    const cv = outputOf(input, withParams(conv, vw, vb));
    const lhs = dot(g.weight, vw) + dot(g.bias, vb);
    expect(Math.abs(lhs - dot(dy.data, cv.data)) / absDot(dy.data, cv.data)).toBeLessThan(1e-5);
  });

  it("layout 'nhwc' gives the NHWC transpose of the NCHW results (Winograd and GEMM paths)", () => {
    for (const [k, stride, ch] of [
      [3, 1, 12],
      [3, 2, 5],
      [1, 1, 6],
    ] as const) {
      const conv = makeConv({
        shape: [ch + 1, ch, k, k],
        weight: Float32Array.from(randomTensor([ch + 1, ch, k, k], k + stride).data),
        stride,
        padding: k >> 1,
      });
      const input = randomTensor([2, ch, 9, 7], 31);
      const y = outputOf(input, conv);
      const dy = randomTensor(y.shape, 32);
      const [n, c, h, w] = input.shape;
      const o = y.shape[1];
      const nhwc = { layout: 'nhwc' } as const;
      const dyT = nchwToNhwc(dy.data, y.shape);
      const dx = convInputGradient(rts[1], dy.data, conv, input.shape);
      const dxT = convInputGradient(rts[1], dyT, conv, input.shape, nhwc);
      expect(dxT).toEqual(nchwToNhwc(dx, [n, c, h, w]));
      const g = convWeightGradient(
        rts[0],
        input.data,
        input.shape,
        dy.data,
        conv.shape,
        conv.geometry,
      );
      const xT = nchwToNhwc(input.data, [n, c, h, w]);
      const gT = convWeightGradient(rts[0], xT, input.shape, dyT, conv.shape, conv.geometry, nhwc);
      expect(gT.weight).toEqual(g.weight);
      // The bias sums run over different orders: equal up to float32 rounding.
      expect(Array.from(gT.bias, (v, i) => Math.abs(v - g.bias[i]) < 1e-4)).toEqual(
        Array.from({ length: o }, () => true),
      );
    }
  });

  it('rejects a dy that does not match the output, naming the sizes', () => {
    const conv = makeConv({ shape: [4, 3, 3, 3], weight: new Float32Array(108), padding: 1 });
    const rt = rts[0];
    expect(() => convInputGradient(rt, new Float32Array(5), conv, [1, 3, 4, 4])).toThrow(
      ShapeError,
    );
    expect(() =>
      convWeightGradient(
        rt,
        new Float32Array(48),
        [1, 3, 4, 4],
        new Float32Array(63),
        conv.shape,
        conv.geometry,
      ),
    ).toThrow(/dy has 63 values, the output \[1, 4, 4, 4\] needs 64/);
  });
});
