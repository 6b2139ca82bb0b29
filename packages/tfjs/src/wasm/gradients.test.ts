import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { conv2dReference, makeConv, type Tensor } from '@reparam/core';
import { hwioToOihw, nhwcToNchw, nchwToNhwc } from '../layout.js';
import { onBackend, randomFloats, relErr, useBackend } from '../test-helpers/backends.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
const padArb: fc.Arbitrary<Pad> = fc.oneof(
  fc.constant('same' as const),
  fc.constant('valid' as const),
  fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)).map(([t, b, l, r]): Pad => [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ]),
);
const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 3, max: 7 }),
  w: fc.integer({ min: 3, max: 7 }),
  ci: fc.integer({ min: 1, max: 3 }),
  co: fc.integer({ min: 1, max: 3 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  sh: fc.integer({ min: 1, max: 2 }),
  sw: fc.integer({ min: 1, max: 2 }),
  pad: padArb,
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** Gradients of sum(conv(x, W) * r) w.r.t. x and W, on one backend: the path `fit` takes. */
function convGrads(c: Case, depthwise: boolean): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor4d(randomFloats(c.n * c.h * c.w * c.ci, c.seed), [c.n, c.h, c.w, c.ci]);
    const wShape: [number, number, number, number] = [c.kh, c.kw, c.ci, c.co];
    const w = tf.tensor4d(randomFloats(c.kh * c.kw * c.ci * c.co, c.seed + 1), wShape);
    const f = (xx: tf.Tensor, ww: tf.Tensor): tf.Tensor => {
      const y = depthwise
        ? tf.depthwiseConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, [c.sh, c.sw], c.pad)
        : tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, [c.sh, c.sw], c.pad);
      const r = tf.tensor(randomFloats(y.size, c.seed + 2), y.shape);
      return tf.sum(tf.mul(y, r));
    };
    return tf.grads(f)([x, w]);
  };
}

async function compareWithCpu(c: Case, depthwise: boolean): Promise<void> {
  const wasm = await onBackend('wasm', convGrads(c, depthwise));
  const cpu = await onBackend('cpu', convGrads(c, depthwise));
  expect(relErr(wasm[0], cpu[0])).toBeLessThan(1e-5);
  expect(relErr(wasm[1], cpu[1])).toBeLessThan(1e-5);
}

describe('wasm gradient kernels', () => {
  it('conv2d input and filter gradients on wasm equal the cpu backend', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, (c) => compareWithCpu(c, false)),
      { numRuns: 40 },
    );
  });

  it('depthwise input and filter gradients on wasm equal the cpu backend (multiplier = co)', async () => {
    // Depthwise with stride > 1 needs equal strides in tfjs.
    await fc.assert(
      fc.asyncProperty(caseArb, (c) => compareWithCpu({ ...c, sw: c.sh }, true)),
      { numRuns: 40 },
    );
  });

  it('Conv2DBackpropFilter honours dilations: dW[k] = <dy, conv(x, onehot k)> by the float64 reference', async () => {
    // tfjs-core's conv2d gradient refuses dilation > 1, so the kernel is called directly here.
    const [n, h, w, ci, co, kh, kw] = [2, 7, 6, 2, 3, 2, 3];
    const dil: [number, number] = [2, 1];
    const strides: [number, number] = [1, 2];
    const pad: Pad = [
      [0, 0],
      [1, 0],
      [2, 1],
      [0, 0],
    ];
    const xs = randomFloats(n * h * w * ci, 7);
    await useBackend('wasm');
    const info = tf.backend_util.computeConv2DInfo(
      [n, h, w, ci],
      [kh, kw, ci, co],
      strides,
      dil,
      pad,
    );
    const dys = randomFloats(n * info.outHeight * info.outWidth * co, 8);
    const x = tf.tensor4d(xs, [n, h, w, ci]);
    const dy = tf.tensor4d(dys, [n, info.outHeight, info.outWidth, co]);
    const dW = tf.engine().runKernel<tf.Tensor>(
      'Conv2DBackpropFilter',
      { x, dy },
      {
        strides,
        pad,
        dataFormat: 'NHWC',
        filterShape: [kh, kw, ci, co],
        dilations: dil,
      },
    );
    const got = hwioToOihw(dW.dataSync(), [kh, kw, ci, co]).weight;
    tf.dispose([x, dy, dW]);
    const input: Tensor = nhwcToNchw(xs, [n, h, w, ci]);
    const dyNchw = nhwcToNchw(dys, [n, info.outHeight, info.outWidth, co]);
    const want = new Float64Array(co * ci * kh * kw);
    for (let k = 0; k < want.length; k++) {
      const onehot = new Float64Array(want.length);
      onehot[k] = 1;
      const y = conv2dReference(
        input,
        makeConv({
          shape: [co, ci, kh, kw],
          weight: onehot,
          stride: strides,
          dilation: dil,
          padding: [1, 2, 0, 1],
        }),
      );
      expect(y.shape).toEqual(dyNchw.shape);
      want[k] = y.data.reduce((s, v, i) => s + v * dyNchw.data[i], 0);
    }
    expect(relErr(got, want)).toBeLessThan(1e-5);
    expect(nchwToNhwc(dyNchw).data).toEqual(Float32Array.from(dys));
  });

  it('batches beyond one 16 MB im2col chunk (here 2 chunks) are chunked without changing the result', async () => {
    const c = {
      n: 16,
      h: 32,
      w: 32,
      ci: 32,
      co: 4,
      kh: 3,
      kw: 3,
      sh: 1,
      sw: 1,
      pad: 'same' as const,
      seed: 3,
    };
    await compareWithCpu(c, false);
  });

  it('1x1 stride-1 convs (the transpose + matmul path) equal the cpu backend, one input channel too', async () => {
    for (const ci of [1, 3]) {
      await compareWithCpu(
        { n: 2, h: 5, w: 4, ci, co: 2, kh: 1, kw: 1, sh: 1, sw: 1, pad: 'valid', seed: 5 + ci },
        false,
      );
      await compareWithCpu(
        { n: 1, h: 3, w: 6, ci, co: 3, kh: 1, kw: 1, sh: 1, sw: 1, pad: 'same', seed: 9 + ci },
        false,
      );
    }
  });
});
