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
