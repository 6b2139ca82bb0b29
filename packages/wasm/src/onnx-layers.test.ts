import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dReference, randomTensor, type Conv } from '@reparam/core';
import { WasmConvRuntime } from './conv-runtime.js';
import { WasmNetwork } from './network.js';
import { UnsupportedModelError } from './errors.js';
import { layersFromOnnx, type OnnxModelLike, type OnnxNodeLike } from './onnx-layers.js';
import { relativeError } from './test-helpers/oracle.js';
import { gapRef, gemmRef, poolRef, reluRef } from './test-helpers/layers-reference.js';

const values = (n: number, seed: number) =>
  Float32Array.from(randomTensor([1, 1, 1, n], seed).data);
const raw = (v: Float32Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const node = (
  opType: string,
  input: string[],
  output: string,
  attribute: OnnxNodeLike['attribute'] = [],
): OnnxNodeLike => ({
  opType,
  input,
  output: [output],
  attribute,
});
const ints = (name: string, v: number[]) => ({ name, ints: v });
const int = (name: string, i: number) => ({ name, i, ints: [] });

// conv1: 4 -> 6, 3x3, group 2, pads [0, 1, 2, 1]; conv2: 6 -> 8, 1x1 stride 2; Gemm 8 -> 5 (transB = 0).
const w1 = values(6 * 2 * 9, 1),
  b1 = values(6, 2),
  w2 = values(8 * 6, 3),
  b2 = values(8, 4);
const fcIn = values(8 * 5, 5),
  fcB = values(5, 6);
const model: OnnxModelLike = {
  graph: {
    input: [{ name: 'x' }, { name: 'w1' }],
    initializer: [
      { name: 'w1', dims: [6, 2, 3, 3], dataType: 1, rawData: raw(w1), floatData: [] },
      { name: 'b1', dims: [6], dataType: 1, floatData: Array.from(b1) },
      { name: 'w2', dims: [8, 6, 1, 1], dataType: 1, rawData: raw(w2), floatData: [] },
      { name: 'b2', dims: [8], dataType: 1, rawData: raw(b2), floatData: [] },
      { name: 'fc', dims: [8, 5], dataType: 1, rawData: raw(fcIn), floatData: [] },
      { name: 'fcb', dims: [5], dataType: 1, rawData: raw(fcB), floatData: [] },
    ],
    node: [
      node('Conv', ['x', 'w1', 'b1'], 'c1', [
        ints('kernel_shape', [3, 3]),
        ints('pads', [0, 1, 2, 1]),
        int('group', 2),
      ]),
      node('Relu', ['c1'], 'r1'),
      node('MaxPool', ['r1'], 'p1', [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
      node('Conv', ['p1', 'w2', 'b2'], 'c2', [
        ints('kernel_shape', [1, 1]),
        ints('strides', [2, 2]),
      ]),
      node('Relu', ['c2'], 'r2'),
      node('GlobalAveragePool', ['r2'], 'g'),
      node('Flatten', ['g'], 'f', [int('axis', 1)]),
      node('Gemm', ['f', 'fc', 'fcb'], 'y'),
    ],
  },
};

let rt: WasmConvRuntime;
beforeAll(async () => {
  rt = await WasmConvRuntime.create();
});
afterAll(() => rt.dispose());

describe('layersFromOnnx', () => {
  it('runs a plain ONNX chain equal to the composed float64 references', () => {
    const geometry = (stride: number, padding: [number, number, number, number], groups: number) =>
      ({ stride: [stride, stride], padding, dilation: [1, 1], groups }) as const;
    const c1: Conv = {
      shape: [6, 2, 3, 3],
      weight: w1,
      bias: b1,
      geometry: geometry(1, [0, 1, 2, 1], 2),
    };
    const c2: Conv = {
      shape: [8, 6, 1, 1],
      weight: w2,
      bias: b2,
      geometry: geometry(2, [0, 0, 0, 0], 1),
    };
    const fcOutIn = Float32Array.from(
      { length: 40 },
      (_, k) => fcIn[(k % 8) * 5 + Math.floor(k / 8)],
    );
    const input = randomTensor([2, 4, 13, 11], 7);
    let t = poolRef(reluRef(conv2dReference(input, c1)), 'max', 2, 2, 0, false);
    t = gemmRef(gapRef(reluRef(conv2dReference(t, c2))), fcOutIn, fcB);
    const got = WasmNetwork.compile(rt, layersFromOnnx(model)).run(input.data, input.shape);
    expect(got.shape).toEqual([2, 5, 1, 1]);
    expect(relativeError(got.data, t.data)).toBeLessThan(1e-5);
  });

  it('refuses operators and attributes it does not run, naming the node', () => {
    const graph = model.graph!;
    const withNode = (n: OnnxNodeLike): OnnxModelLike => ({ graph: { ...graph, node: [n] } });
    expect(() => layersFromOnnx(withNode(node('Add', ['x', 'x'], 'y')))).toThrow(
      UnsupportedModelError,
    );
    expect(() => layersFromOnnx(withNode(node('Add', ['x', 'x'], 'y')))).toThrow(/node 0 \(Add\)/);
    const autoPad = node('Conv', ['x', 'w1'], 'y', [{ name: 'auto_pad', ints: [] }]);
    expect(() => layersFromOnnx(withNode(autoPad))).toThrow(/auto_pad/);
    const branch = { graph: { ...graph, node: [graph.node[0], node('Relu', ['x'], 'z')] } };
    expect(() => layersFromOnnx(branch)).toThrow(/single chain/);
    expect(() => layersFromOnnx({})).toThrow(/no graph/);
  });
});
