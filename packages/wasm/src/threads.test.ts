import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeConv, randomTensor, ShapeError } from '@reparam/core';
import { WasmConvRuntime } from './conv-runtime.js';
import { convCase } from './test-helpers/arbitraries.js';
import { referenceOutput, relativeError } from './test-helpers/oracle.js';

let rt: WasmConvRuntime;
beforeAll(async () => {
  // Every call split, however small (by default small calls stay on the calling thread).
  rt = await WasmConvRuntime.create({ threads: 2, minParallelWork: 0 });
});
afterAll(() => rt.dispose());

describe('WasmConvRuntime with 2 threads (worker_threads over shared memory)', () => {
  it('uses 2 threads in Node', () => {
    expect(rt.threads).toBe(2);
  });

  it('every kernel split between threads still equals the float64 reference', () => {
    fc.assert(
      fc.property(convCase(), fc.boolean(), ({ conv, input, relu }, winograd) => {
        const algorithm = winograd && conv.shape[2] === 3 ? 'auto' : 'gemm';
        const got = rt.conv2d(input.data, input.shape, conv, { relu, algorithm });
        expect(relativeError(got.data, referenceOutput(input, conv, relu))).toBeLessThan(1e-4);
      }),
      { numRuns: 60 },
    );
  });

  it('splits a wide Winograd conv (36 products over 2 threads) exactly', () => {
    const conv = makeConv({
      shape: [24, 20, 3, 3],
      weight: Float32Array.from(randomTensor([24, 20, 3, 3], 9).data),
      bias: Float32Array.from(randomTensor([1, 1, 1, 24], 10).data),
      padding: 1,
    });
    const input = randomTensor([2, 20, 15, 22], 11);
    const prepared = rt.prepare(conv, { relu: true });
    expect(prepared.algorithm).toBe('winograd4');
    const got = rt.conv2d(input.data, input.shape, prepared);
    expect(relativeError(got.data, referenceOutput(input, conv, true))).toBeLessThan(1e-4);
  });

  it('1x1 convs on maps of few column panels (rows split between threads) equal the reference', () => {
    const pointwise = fc.record({
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 24 }),
      o: fc.integer({ min: 1, max: 70 }),
      h: fc.integer({ min: 1, max: 9 }),
      w: fc.integer({ min: 1, max: 9 }),
      relu: fc.boolean(),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(pointwise, ({ n, c, o, h, w, relu, seed }) => {
        const conv = makeConv({
          shape: [o, c, 1, 1],
          weight: Float32Array.from(randomTensor([o, c, 1, 1], seed).data),
          bias: Float32Array.from(randomTensor([1, 1, 1, o], seed + 1).data),
        });
        const input = randomTensor([n, c, h, w], seed + 2);
        const got = rt.conv2d(input.data, input.shape, conv, { relu, algorithm: 'gemm' });
        expect(relativeError(got.data, referenceOutput(input, conv, relu))).toBeLessThan(1e-5);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(WasmConvRuntime.create({ threads: 0 })).rejects.toThrow(ShapeError);
    await expect(WasmConvRuntime.create({ threads: 1.5 })).rejects.toThrow(/1.5/);
    await expect(WasmConvRuntime.create({ threads: 2, minParallelWork: -1 })).rejects.toThrow(
      /minParallelWork must be a number >= 0, got -1/,
    );
  });
});
