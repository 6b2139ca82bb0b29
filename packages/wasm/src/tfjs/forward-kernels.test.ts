import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { maxAbs, maxAbsDiff, seededRandom } from '@reparam/core';
import { registerWasmConvKernels, type RegisteredKernels } from './register-kernels.js';

// Oracle: tfjs's own cpu backend (an independent implementation of the same forward convs).
let registered: RegisteredKernels;
beforeAll(async () => {
  const require = createRequire(import.meta.url);
  setWasmPaths(
    `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`,
  );
  await tf.setBackend('wasm');
  registered = await registerWasmConvKernels(tf);
});
afterAll(() => {
  registered.unregister();
  registered.runtime.dispose();
});

function rand(shape: number[], seed: number): tf.Tensor {
  const next = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => next() * 2 - 1),
    shape,
  );
}

const cases = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 4, max: 12 }),
  w: fc.integer({ min: 4, max: 12 }),
  c: fc.integer({ min: 1, max: 12 }),
  out: fc.integer({ min: 1, max: 12 }),
  k: fc.integer({ min: 1, max: 4 }),
  stride: fc.integer({ min: 1, max: 2 }),
  pad: fc.oneof(
    fc.constant('same' as const),
    fc.constant('valid' as const),
    fc.integer({ min: 0, max: 2 }),
  ),
  kind: fc.constantFrom('conv2d', 'fused-relu', 'fused-prelu', 'depthwise'),
  seed: fc.integer({ min: 1, max: 1e6 }),
});
type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never;

async function forwardOn(backend: string, r: Case): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = rand([r.n, r.h, r.w, r.c], r.seed) as tf.Tensor4D;
    if (r.kind === 'depthwise') {
      const f = rand([r.k, r.k, r.c, 1 + (r.out % 2)], r.seed + 1) as tf.Tensor4D;
      return tf.depthwiseConv2d(x, f, r.stride, r.pad).dataSync() as Float32Array;
    }
    const f = rand([r.k, r.k, r.c, r.out], r.seed + 1) as tf.Tensor4D;
    if (r.kind === 'conv2d') return tf.conv2d(x, f, r.stride, r.pad).dataSync() as Float32Array;
    const bias = rand([r.out], r.seed + 2);
    const activation = r.kind === 'fused-relu' ? 'relu' : 'prelu';
    const preluActivationWeights = activation === 'prelu' ? rand([r.out], r.seed + 3) : undefined;
    const y = tf.fused.conv2d({
      x,
      filter: f,
      strides: r.stride,
      pad: r.pad,
      bias,
      activation,
      preluActivationWeights,
    });
    return y.dataSync() as Float32Array;
  });
}

describe('registerWasmConvKernels', () => {
  it('registers the forward convs too', () => {
    for (const name of ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative']) {
      expect(registered.kernelNames).toContain(name);
    }
  });

  it("forward convs on wasm equal tfjs cpu's (prelu falls back to wasm's own kernel)", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (r) => {
        const want = await forwardOn('cpu', r);
        const got = await forwardOn('wasm', r);
        expect(got.length).toBe(want.length);
        expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-4 * Math.max(maxAbs(want), 1e-6));
      }),
      { numRuns: 40 },
    );
    await tf.setBackend('wasm');
  });
});
