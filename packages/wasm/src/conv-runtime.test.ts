import { describe, expect, it, beforeAll } from 'vitest';
import fc from 'fast-check';
import { makeConv, randomTensor, ShapeError, type Conv, type Tensor } from '@reparam/core';
import { WasmConvRuntime } from './conv-runtime.js';
import { convCase } from './test-helpers/arbitraries.js';
import { referenceOutput, relativeError } from './test-helpers/oracle.js';

let rt: WasmConvRuntime;
beforeAll(async () => {
  rt = await WasmConvRuntime.create();
});

/** Runs `conv` with 64 sentinels after y: y, and whether the sentinels stayed untouched. */
function runGuarded(
  conv: Conv,
  input: Tensor,
  relu: boolean,
  algorithm: 'gemm' | 'depthwise' | 'winograd2' | 'winograd4',
): { output: Float32Array; guardIntact: boolean } {
  const mark = rt.heap.mark();
  try {
    const prepared = rt.prepare(conv, { relu, algorithm });
    const d = prepared.dims(input.shape);
    const x = rt.heap.alloc(input.data.length);
    rt.heap.write(x, input.data);
    const size = d.n * d.o * d.ho * d.wo;
    const y = rt.heap.alloc(size + 64);
    rt.heap.f32(y, size + 64).fill(12345);
    prepared.runPointers(x, y, d);
    const guardIntact = rt.heap.f32(y + size * 4, 64).every((v) => v === 12345);
    return { output: Float32Array.from(rt.heap.f32(y, size)), guardIntact };
  } finally {
    rt.heap.release(mark);
  }
}

describe('WasmConvRuntime.conv2d', () => {
  it('gemm path equals the float64 reference (within 1e-5 x max|y|) for any geometry', () => {
    fc.assert(
      fc.property(convCase(), ({ conv, input, relu }) => {
        const got = rt.conv2d(input.data, input.shape, conv, { relu, algorithm: 'gemm' });
        expect(relativeError(got.data, referenceOutput(input, conv, relu))).toBeLessThan(1e-5);
      }),
      { numRuns: 150 },
    );
  });

  for (const algorithm of ['winograd2', 'winograd4'] as const) {
    it(`${algorithm} equals the reference within 1e-4 x max|y| for 3x3 stride 1`, () => {
      fc.assert(
        fc.property(convCase({ square3x3Stride1: true }), ({ conv, input, relu }) => {
          const got = rt.conv2d(input.data, input.shape, conv, { relu, algorithm });
          expect(relativeError(got.data, referenceOutput(input, conv, relu))).toBeLessThan(1e-4);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('the direct depthwise kernel equals the reference for any geometry with one input per group', () => {
    const depthwise = convCase().filter((c) => c.conv.shape[1] === 1);
    fc.assert(
      fc.property(depthwise, ({ conv, input, relu }) => {
        const got = rt.conv2d(input.data, input.shape, conv, { relu, algorithm: 'depthwise' });
        expect(relativeError(got.data, referenceOutput(input, conv, relu))).toBeLessThan(1e-5);
      }),
      { numRuns: 150 },
    );
  });

  it('the depthwise 3x3 kernel equals the reference on wide planes (direct and padded-copy paths)', () => {
    const wide = fc.record({
      c: fc.integer({ min: 1, max: 3 }),
      m: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 6 }),
      w: fc.integer({ min: 60, max: 300 }),
      stride: fc.integer({ min: 1, max: 2 }),
      // Negative padding crops; crops wider than the kernel's reach are included.
      padding: fc.tuple(
        fc.integer({ min: -4, max: 2 }),
        fc.integer({ min: -4, max: 2 }),
        fc.integer({ min: -4, max: 2 }),
        fc.integer({ min: -4, max: 2 }),
      ),
      relu: fc.boolean(),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(wide, ({ c, m, h, w, stride, padding, relu, seed }) => {
        const [pt, , pb] = padding;
        const conv = makeConv({
          shape: [c * m, 1, 3, 3],
          weight: Float32Array.from(randomTensor([c * m, 1, 3, 3], seed).data),
          bias: Float32Array.from(randomTensor([1, 1, 1, c * m], seed + 1).data),
          stride,
          padding,
          groups: c,
        });
        const input = randomTensor([1, c, Math.max(h, 3 - pt - pb), w], seed + 2);
        const got = rt.conv2d(input.data, input.shape, conv, { relu, algorithm: 'depthwise' });
        expect(relativeError(got.data, referenceOutput(input, conv, relu))).toBeLessThan(1e-5);
      }),
      { numRuns: 80 },
    );
  });

  it('every algorithm writes y and nothing after it (a guard of sentinels stays untouched)', () => {
    const algorithms = ['gemm', 'depthwise', 'winograd2', 'winograd4'] as const;
    fc.assert(
      fc.property(
        convCase(),
        fc.constantFrom(...algorithms),
        ({ conv, input, relu }, algorithm) => {
          const depthwise = conv.shape[1] === 1;
          const winograd =
            conv.shape[2] === 3 &&
            conv.shape[3] === 3 &&
            conv.geometry.stride.every((v) => v === 1) &&
            conv.geometry.dilation.every((v) => v === 1);
          if (
            (algorithm === 'depthwise' && !depthwise) ||
            (algorithm.startsWith('winograd') && !winograd)
          )
            return;
          const { output, guardIntact } = runGuarded(conv, input, relu, algorithm);
          expect(guardIntact).toBe(true);
          expect(relativeError(output, referenceOutput(input, conv, relu))).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('depthwise 3x3 on planes narrower than a vector writes nothing past its output', () => {
    // Found by the random-DAG property: a 2x1 plane's row vector spilled past the last plane.
    for (const [h, w, stride] of [
      [2, 1, 1],
      [3, 1, 1],
      [2, 2, 1],
      [1, 3, 1],
      [4, 1, 2],
      [3, 2, 2],
    ] as const) {
      for (const relu of [false, true]) {
        const conv = makeConv({
          shape: [2, 1, 3, 3],
          weight: Float32Array.from(randomTensor([2, 1, 3, 3], h).data),
          bias: Float32Array.from(randomTensor([1, 1, 1, 2], w).data),
          stride,
          padding: 1,
          groups: 2,
        });
        const input = randomTensor([1, 2, h, w], stride);
        const { output, guardIntact } = runGuarded(conv, input, relu, 'depthwise');
        expect(guardIntact, `${h}x${w} stride ${stride}`).toBe(true);
        expect(relativeError(output, referenceOutput(input, conv, relu))).toBeLessThan(1e-5);
      }
    }
  });

  it('winograd4 stays within 1e-4 x max|y| at 256 input channels', () => {
    const conv = makeConv({
      shape: [8, 256, 3, 3],
      weight: Float32Array.from(randomTensor([8, 256, 3, 3], 3).data),
      bias: Float32Array.from(randomTensor([1, 1, 1, 8], 4).data),
      padding: 1,
    });
    const input = randomTensor([1, 256, 14, 13], 5);
    const got = rt.conv2d(input.data, input.shape, conv, { algorithm: 'winograd4' });
    expect(relativeError(got.data, referenceOutput(input, conv, false))).toBeLessThan(1e-4);
  });

  it('winograd runs a batch too large for one pass in chunks of images, exactly', () => {
    // 32 -> 32 channels at 40x40: one image's transformed data is ~0.9 MB, so one image per pass.
    const conv = makeConv({
      shape: [32, 32, 3, 3],
      weight: Float32Array.from(randomTensor([32, 32, 3, 3], 6).data),
      bias: Float32Array.from(randomTensor([1, 1, 1, 32], 7).data),
      padding: [1, 0, 2, 1],
    });
    const input = randomTensor([3, 32, 40, 38], 8);
    for (const algorithm of ['winograd2', 'winograd4'] as const) {
      const got = rt.conv2d(input.data, input.shape, conv, { algorithm, relu: true });
      expect(relativeError(got.data, referenceOutput(input, conv, true))).toBeLessThan(1e-4);
    }
  });

  it('auto picks depthwise, winograd4 for a wide 3x3 stride-1 conv, and gemm otherwise', () => {
    const conv = (k: number, stride: number) =>
      makeConv({ shape: [16, 16, k, k], weight: new Float32Array(256 * k * k), stride });
    expect(rt.prepare(conv(3, 1)).algorithm).toBe('winograd4');
    // Unpadded: 15x15 in, 13x13 out, 16 F(4x4) tiles; 14x14 in, 9 tiles: F(2x2) below 16.
    expect(rt.prepare(conv(3, 1), { inputShape: [1, 16, 15, 15] }).algorithm).toBe('winograd4');
    expect(rt.prepare(conv(3, 1), { inputShape: [1, 16, 14, 14] }).algorithm).toBe('winograd2');
    expect(rt.prepare(conv(3, 1), { inputShape: [2, 16, 14, 14] }).algorithm).toBe('winograd4');
    expect(rt.prepare(conv(3, 2)).algorithm).toBe('gemm');
    expect(rt.prepare(conv(1, 1)).algorithm).toBe('gemm');
    const dw = makeConv({ shape: [16, 1, 3, 3], weight: new Float32Array(144), groups: 16 });
    expect(rt.prepare(dw).algorithm).toBe('depthwise');
    expect(() => rt.prepare(conv(3, 1), { algorithm: 'depthwise' })).toThrow(/one input channel/);
  });

  it('runs a prepared conv on several input sizes', () => {
    const conv = makeConv({
      shape: [12, 10, 3, 3],
      weight: Float32Array.from(randomTensor([12, 10, 3, 3], 5).data),
      padding: 1,
    });
    const prepared = rt.prepare(conv, { relu: true });
    for (const size of [4, 9, 30]) {
      const input = randomTensor([1, 10, size, size + 3], size);
      const got = rt.conv2d(input.data, input.shape, prepared);
      expect(got.shape).toEqual([1, 12, size, size + 3]);
      expect(relativeError(got.data, referenceOutput(input, conv, true))).toBeLessThan(1e-4);
    }
  });

  it('loads the relaxed-SIMD build where the engine has it, the plain one when asked', async () => {
    // vitest runs Node with --experimental-wasm-relaxed-simd (vitest.config.ts).
    expect(rt.relaxedSimd).toBe(true);
    const plain = await WasmConvRuntime.create({ relaxedSimd: false });
    expect(plain.relaxedSimd).toBe(false);
    const conv = makeConv({
      shape: [9, 10, 3, 3],
      weight: Float32Array.from(randomTensor([9, 10, 3, 3], 41).data),
      padding: 1,
    });
    const input = randomTensor([1, 10, 12, 12], 42);
    for (const algorithm of ['gemm', 'winograd4'] as const) {
      const got = plain.conv2d(input.data, input.shape, conv, { algorithm });
      expect(relativeError(got.data, referenceOutput(input, conv, false))).toBeLessThan(1e-4);
    }
  });

  it('rejects inputs that do not fit, naming the values', () => {
    const conv = makeConv({ shape: [4, 3, 3, 3], weight: new Float32Array(108) });
    expect(() => rt.conv2d(new Float32Array(50), [1, 2, 5, 5], conv)).toThrow(ShapeError);
    expect(() => rt.conv2d(new Float32Array(50), [1, 2, 5, 5], conv)).toThrow(/2 channels/);
    expect(() => rt.conv2d(new Float32Array(10), [1, 3, 5, 5], conv)).toThrow(/10 values/);
    expect(() => rt.conv2d(new Float32Array(6), [1, 3, 1, 2], conv)).toThrow(/output/);
    expect(() => rt.prepare(conv, { algorithm: 'winograd2' })).not.toThrow();
    const strided = makeConv({ shape: [4, 3, 3, 3], weight: new Float32Array(108), stride: 2 });
    expect(() => rt.prepare(strided, { algorithm: 'winograd2' })).toThrow(/stride \[2, 2\]/);
  });
});
