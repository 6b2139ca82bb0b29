import { afterAll, describe, expect, it } from 'vitest';
import { makeConv, randomTensor, ShapeError } from '@reparam/core';
import { WasmConvRuntime, type ConvAlgorithm } from '../conv-runtime.js';
import type { DeployGraph } from './ir.js';
import { WasmGraph } from './wasm-graph.js';
import { evaluateGraph64 } from '../test-helpers/graph-reference.js';
import { relativeError } from '../test-helpers/oracle.js';

const runtimes = [WasmConvRuntime.create({ threads: 1 }), WasmConvRuntime.create({ threads: 2 })];
afterAll(async () => {
  for (const rt of runtimes) (await rt).dispose();
});

const values = (n: number, seed: number, scale: number) =>
  Float32Array.from(randomTensor([1, 1, 1, n], seed).data, (v) => v * scale);

/** x -> conv a -> conv b + x -> ReLU, the residual read in place: K = c * k * k deep. */
function residualBlock(c: number, k: number, size: number): DeployGraph {
  const conv = (seed: number) =>
    makeConv({
      shape: [c, c, k, k],
      weight: values(c * c * k * k, seed, 1 / Math.sqrt(c * k * k)),
      bias: values(c, seed + 1, 0.1),
      padding: k >> 1,
    });
  return {
    inputs: [{ name: 'x', shape: [1, c, size, size] }],
    outputs: ['y'],
    nodes: [
      {
        op: 'conv',
        conv: conv(1),
        activation: { kind: 'relu' },
        name: 'a',
        inputs: ['x'],
        output: 'a',
      },
      { op: 'conv', conv: conv(3), name: 'b', inputs: ['a'], output: 'b' },
      { op: 'add', name: 'sum', inputs: ['b', 'a'], output: 'sum' },
      { op: 'activation', activation: { kind: 'relu' }, name: 'y', inputs: ['sum'], output: 'y' },
    ],
  };
}

describe('WasmGraph', () => {
  const cases: [string, number, number, ConvAlgorithm][] = [
    ['3x3 GEMM, K = 576 (three K slices)', 64, 3, 'gemm'],
    ['1x1 in place, K = 600', 600, 1, 'gemm'],
    ['3x3 Winograd F(4x4), 64 channels', 64, 3, 'winograd4'],
  ];
  for (const [name, c, k, algorithm] of cases) {
    it(`adds a residual that the output overwrites (${name})`, async () => {
      const graph = residualBlock(c, k, 9);
      const x = randomTensor([1, c, 9, 9], 5);
      const want = evaluateGraph64(graph, { x }).y;
      for (const rt of runtimes) {
        const net = WasmGraph.compile(await rt, graph, { algorithm });
        const got = net.run({ data: Float32Array.from(x.data), shape: [1, c, 9, 9] }).y;
        expect(relativeError(got.data, want.data)).toBeLessThan(1e-4);
        // The fused conv wrote over its residual: a, b and the sum share buffers.
        expect(net.memory.activationBytes).toBeLessThanOrEqual(2 * c * 81 * 4 + 128);
      }
    });
  }

  it('checks its inputs by name and size', async () => {
    const net = WasmGraph.compile(await runtimes[0], residualBlock(4, 3, 5));
    expect(() => net.run({ y: { data: new Float32Array(100), shape: [1, 4, 5, 5] } })).toThrow(
      /missing input 'x'/,
    );
    expect(() => net.run({ data: new Float32Array(99), shape: [1, 4, 5, 5] })).toThrow(ShapeError);
  });
});
