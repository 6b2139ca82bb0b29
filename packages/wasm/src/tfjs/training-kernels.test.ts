import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { maxAbs, maxAbsDiff, seededRandom } from '@reparam/core';
import { registerWasmTrainingKernels, type RegisteredKernels } from './training-kernels.js';

// Oracle: tfjs's own cpu backend (an independent implementation of the same gradients).
let registered: RegisteredKernels;
beforeAll(async () => {
  const require = createRequire(import.meta.url);
  setWasmPaths(
    `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`,
  );
  await tf.setBackend('wasm');
  registered = await registerWasmTrainingKernels(tf);
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

type Case = {
  n: number;
  h: number;
  w: number;
  c: number;
  out: number;
  k: number;
  stride: number;
  dilation: number;
  pad: 'same' | 'valid' | number;
  seed: number;
};

const cases = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 4, max: 11 }),
    w: fc.integer({ min: 4, max: 11 }),
    c: fc.integer({ min: 1, max: 5 }),
    out: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 2 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    pad: fc.oneof(
      fc.constant('same' as const),
      fc.constant('valid' as const),
      fc.integer({ min: 0, max: 2 }),
    ),
    seed: fc.integer({ min: 1, max: 1e6 }),
  })
  // tfjs 4.22 refuses dilation > 1 in conv gradients, so the oracle covers dilation 1 only.
  .map((r): Case => ({ ...r, dilation: 1 }));

async function gradsOn(backend: string, r: Case, depthwise: boolean): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = rand([r.n, r.h, r.w, r.c], r.seed);
    const f = rand([r.k, r.k, r.c, depthwise ? 1 + (r.out % 2) : r.out], r.seed + 1);
    const conv = (a: tf.Tensor, b: tf.Tensor) =>
      depthwise
        ? tf.depthwiseConv2d(
            a as tf.Tensor4D,
            b as tf.Tensor4D,
            r.stride,
            r.pad,
            'NHWC',
            r.dilation,
          )
        : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, r.stride, r.pad, 'NHWC', r.dilation);
    const weights = rand(conv(x, f).shape, r.seed + 2);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a, b).mul(weights).sum())([
      x,
      f,
    ]);
    return [dx.dataSync() as Float32Array, df.dataSync() as Float32Array];
  });
}

describe('registerWasmTrainingKernels (tfjs wasm backend)', () => {
  it('registers the four conv gradient kernels for wasm', () => {
    expect([...registered.kernelNames].sort()).toEqual([
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
    ]);
    for (const name of registered.kernelNames) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  for (const depthwise of [false, true]) {
    it(`${depthwise ? 'depthwise' : 'conv2d'} gradients on wasm equal tfjs cpu's (1e-4 x max)`, async () => {
      await fc.assert(
        fc.asyncProperty(cases, async (r) => {
          const want = await gradsOn('cpu', r, depthwise);
          const got = await gradsOn('wasm', r, depthwise);
          for (let i = 0; i < 2; i++) {
            expect(maxAbsDiff(got[i], want[i])).toBeLessThanOrEqual(
              1e-4 * Math.max(maxAbs(want[i]), 1e-6),
            );
          }
        }),
        { numRuns: 25 },
      );
      await tf.setBackend('wasm');
    });
  }

  it('refuses NCHW data with a named error', () => {
    const fn = tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc;
    if (fn === undefined) throw new Error('not registered');
    const x = tf.zeros([1, 3, 3, 1]);
    expect(() =>
      fn({
        inputs: { x, dy: x },
        backend: tf.backend(),
        attrs: { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 1, 1] },
      }),
    ).toThrow(/NCHW/);
    x.dispose();
  });
});
