import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dReference, makeConv, randomTensor, ShapeError, type Conv } from '@reparam/core';
import { WasmConvRuntime } from './conv-runtime.js';
import { WasmNetwork, type Layer } from './network.js';
import { relativeError } from './test-helpers/oracle.js';
import { gapRef, gemmRef, poolRef, reluRef } from './test-helpers/layers-reference.js';

function randomConv(
  shape: [number, number, number, number],
  seed: number,
  options: { stride?: number; padding?: number; groups?: number } = {},
): Conv {
  const size = shape.reduce((a, b) => a * b);
  return makeConv({
    shape,
    weight: Float32Array.from(randomTensor([1, 1, 1, size], seed).data),
    bias: Float32Array.from(randomTensor([1, 1, 1, shape[0]], seed + 1).data),
    ...options,
  });
}

const runtimes: WasmConvRuntime[] = [];
beforeAll(async () => {
  runtimes.push(await WasmConvRuntime.create(), await WasmConvRuntime.create({ threads: 2 }));
});
afterAll(() => runtimes.forEach((rt) => rt.dispose()));

describe('WasmNetwork', () => {
  const c1 = randomConv([8, 3, 3, 3], 1, { stride: 2, padding: 1 });
  const c2 = randomConv([16, 8, 3, 3], 3, { padding: 1 });
  const c3 = randomConv([16, 4, 1, 1], 5, { groups: 4 });
  const fcW = Float32Array.from(randomTensor([1, 1, 1, 5 * 16], 7).data);
  const fcB = Float32Array.from(randomTensor([1, 1, 1, 5], 8).data);
  const layers: Layer[] = [
    { type: 'conv', conv: c1, relu: true },
    { type: 'conv', conv: c2 },
    { type: 'relu' },
    { type: 'maxPool', kernel: 2 },
    { type: 'conv', conv: c3 },
    { type: 'relu' },
    { type: 'avgPool', kernel: 3, stride: 1, padding: 1 },
    { type: 'globalAvgPool' },
    { type: 'gemm', weight: fcW, bias: fcB },
  ];

  it('equals the composition of float64 references (convs via conv2dReference)', () => {
    for (const rt of runtimes) {
      const net = WasmNetwork.compile(rt, layers);
      const input = randomTensor([2, 3, 21, 18], 11);
      let t = reluRef(conv2dReference(input, c1));
      t = poolRef(reluRef(conv2dReference(t, c2)), 'max', 2, 2, 0, false);
      t = poolRef(reluRef(conv2dReference(t, c3)), 'avg', 3, 1, 1, false);
      t = gemmRef(gapRef(t), fcW, fcB);
      const got = net.run(input.data, input.shape);
      expect(got.shape).toEqual([2, 5, 1, 1]);
      expect(relativeError(got.data, t.data)).toBeLessThan(1e-4);
    }
  });

  it('average pooling counts padding only when asked, and a lone relu layer clamps', () => {
    const rt = runtimes[0];
    const input = randomTensor([1, 2, 7, 6], 3);
    for (const include of [false, true]) {
      const net = WasmNetwork.compile(rt, [
        { type: 'relu' },
        { type: 'avgPool', kernel: 3, stride: 2, padding: 1, countIncludePad: include },
      ]);
      const want = poolRef(reluRef(input), 'avg', 3, 2, 1, include);
      expect(relativeError(net.run(input.data, input.shape).data, want.data)).toBeLessThan(1e-6);
    }
  });

  it('rejects inputs and layers that do not fit, naming the values', () => {
    const rt = runtimes[0];
    const net = WasmNetwork.compile(rt, layers);
    expect(() => net.run(new Float32Array(10), [1, 3, 2, 5])).toThrow(/10 values/);
    expect(() => net.run(new Float32Array(4 * 100), [1, 4, 10, 10])).toThrow(ShapeError);
    expect(() =>
      WasmNetwork.compile(rt, [
        { type: 'gemm', weight: new Float32Array(7), bias: new Float32Array(2) },
      ]),
    ).toThrow(/7 weights and 2 biases/);
    expect(() => WasmNetwork.compile(rt, [{ type: 'maxPool', kernel: 0 }])).toThrow(
      /kernel \[0, 0\]/,
    );
  });
});
