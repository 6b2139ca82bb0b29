import { afterAll, describe, expect, it } from 'vitest';
import { randomTensor, ShapeError } from '@reparam/core';
import {
  ModelBuilder,
  encodeModel,
  float,
  floatTensor,
  parseModel,
  runModel,
  type AttributeValue,
  type ModelProto,
} from '@reparam/onnx';
import { WasmConvRuntime } from '../conv-runtime.js';
import { UnsupportedModelError } from '../errors.js';
import { graphFromOnnx } from './from-onnx.js';
import { WasmGraph } from './wasm-graph.js';
import { relativeError } from '../test-helpers/oracle.js';

const rt = WasmConvRuntime.create({ threads: 1 });
afterAll(async () => (await rt).dispose());

const values = (n: number, seed: number, scale = 1) =>
  Float32Array.from(randomTensor([1, 1, 1, n], seed).data, (v) => v * scale);

/** Runs `model` in onnxruntime-web (the oracle) and in the graph runtime; returns the error. */
async function compare(model: ModelProto, shape: number[], seed = 1): Promise<number> {
  const bytes = encodeModel(model);
  const decoded = parseModel(bytes);
  const x = values(
    shape.reduce((a, b) => a * b, 1),
    seed,
  );
  const name = decoded.graph!.input[0].name!;
  const want = await runModel(bytes, { [name]: { dims: shape, data: x, type: 'float32' } });
  const got = WasmGraph.compile(await rt, graphFromOnnx(decoded)).run({ data: x, shape });
  let worst = 0;
  for (const [output, t] of want) {
    expect(got[output].shape).toEqual(t.dims);
    worst = Math.max(worst, relativeError(got[output].data, t.data as Float32Array));
  }
  return worst;
}

/** Conv helper: weight [o, c/g, k, k] with pads k/2. */
function conv(
  b: ModelBuilder,
  x: string,
  c: number,
  o: number,
  k: number,
  attrs: Record<string, AttributeValue> = {},
  seed = 1,
): string {
  const groups = typeof attrs.group === 'number' ? attrs.group : 1;
  const w = b.floats([o, c / groups, k, k], values((o * c * k * k) / groups, seed, 0.3));
  const bias = b.floats([o], values(o, seed + 1, 0.1));
  const p = k >> 1;
  const pads: Record<string, AttributeValue> = 'auto_pad' in attrs ? {} : { pads: [p, p, p, p] };
  return b.op('Conv', [x, w, bias], { kernel_shape: [k, k], ...pads, ...attrs });
}

describe('graphFromOnnx + WasmGraph match onnxruntime-web', () => {
  it('a residual block: Conv, BatchNormalization, Add, Relu, Clip (opset 13 inputs), MaxPool', async () => {
    const b = new ModelBuilder(13);
    const x = b.input('x', [1, 8, 12, 10]);
    const a = b.op('Relu', [conv(b, x, 8, 8, 3)]);
    const c = conv(b, a, 8, 8, 3, {}, 7);
    const s = (n: number, seed: number, shift = 0) =>
      b.floats(
        [8],
        values(8, seed).map((v) => v * 0.2 + shift),
      );
    const bn = b.op('BatchNormalization', [c, s(8, 11, 1), s(8, 12), s(8, 13), s(8, 14, 1.5)], {
      epsilon: float(1e-3),
    });
    const sum = b.op('Relu', [b.op('Add', [bn, x])]);
    const lo = b.floats([], [0]);
    const hi = b.floats([], [0.8]);
    const clipped = b.op('Clip', [sum, lo, hi]);
    const y = b.op('MaxPool', [clipped], {
      kernel_shape: [3, 3],
      strides: [2, 2],
      pads: [1, 1, 1, 1],
    });
    b.output(y);
    expect(await compare(b.build(), [1, 8, 12, 10])).toBeLessThan(1e-5);
  });

  it('depthwise, strided and grouped convs, concat, squeeze-and-excitation with HardSigmoid / Sigmoid', async () => {
    const b = new ModelBuilder(17);
    const x = b.input('x', [2, 6, 11, 9]);
    const dw = b.op('HardSwish', [conv(b, x, 6, 6, 3, { group: 6, strides: [2, 2] })]);
    const gr = b.op('LeakyRelu', [conv(b, dw, 6, 4, 3, { group: 2 }, 3)], { alpha: float(0.2) });
    const cat = b.op('Concat', [dw, gr], { axis: 1 });
    const pooled = b.op('GlobalAveragePool', [cat]);
    const squeeze = b.op('Relu', [conv(b, pooled, 10, 3, 1, {}, 5)]);
    const gate = b.op('HardSigmoid', [conv(b, squeeze, 3, 10, 1, {}, 6)], {
      alpha: float(1 / 6),
      beta: float(0.5),
    });
    const se = b.op('Mul', [cat, gate]);
    const gate2 = b.op('Sigmoid', [conv(b, b.op('GlobalMaxPool', [se]), 10, 10, 1, {}, 9)]);
    b.output(b.op('Mul', [gate2, se]));
    expect(await compare(b.build(), [2, 6, 11, 9])).toBeLessThan(1e-5);
  });

  it('a classifier head: AveragePool, Pad, Flatten, Gemm (transB, alpha, beta), MatMul + Add, Softmax', async () => {
    const b = new ModelBuilder(13);
    const x = b.input('x', [2, 4, 9, 9]);
    const avg = b.op('AveragePool', [x], {
      kernel_shape: [3, 3],
      strides: [2, 2],
      pads: [1, 0, 1, 2],
      count_include_pad: 1,
    });
    const avg2 = b.op('AveragePool', [avg], { kernel_shape: [2, 2], pads: [1, 1, 0, 0] });
    const padded = b.op('Pad', [avg2, b.ints([8], [0, 0, 1, 0, 0, 0, 0, 2]), b.floats([], [0.25])]);
    const flat = b.op('Flatten', [padded]);
    const k = 4 * 6 * 7; // 5x5 pools, then one row on top and two columns on the right
    const g = b.op(
      'Gemm',
      [flat, b.floats([5, k], values(5 * k, 3, 0.1)), b.floats([5], values(5, 4))],
      {
        transB: 1,
        alpha: float(0.5),
        beta: float(2),
      },
    );
    const m = b.op('MatMul', [g, b.floats([5, 3], values(15, 5))]);
    const biased = b.op('Add', [m, b.floats([3], values(3, 6))]);
    b.output(b.op('Softmax', [biased], { axis: 1 }));
    expect(await compare(b.build(), [2, 4, 9, 9])).toBeLessThan(1e-5);
  });

  it('Reshape, Squeeze, Unsqueeze, Transpose, Sub / Div / Mul by constants, Sum, Identity, Dropout', async () => {
    const b = new ModelBuilder(13);
    const x = b.input('x', [1, 3, 4, 5]);
    const t = b.op('Transpose', [x], { perm: [0, 2, 3, 1] });
    const back = b.op('Transpose', [b.op('Identity', [t])], { perm: [0, 3, 1, 2] });
    const scaled = b.op('Div', [
      b.op('Sub', [back, b.floats([1, 3, 1, 1], [0.1, 0.2, 0.3])]),
      b.floats([], [2]),
    ]);
    const flipped = b.op('Sub', [b.floats([3, 1, 1], [1, 2, 3]), scaled]);
    const times = b.op('Mul', [b.floats([], [3]), flipped]);
    const sum = b.op('Sum', [times, x, b.op('Dropout', [back])]);
    const r = b.op('Reshape', [sum, b.ints([3], [0, 3, -1])]);
    const u = b.op('Unsqueeze', [r, b.ints([1], [-1])]);
    b.output(b.op('Squeeze', [u, b.ints([1], [3])]));
    expect(await compare(b.build(), [1, 3, 4, 5])).toBeLessThan(1e-6);
  });

  it('Clip with attributes (opset 6 style) and a Constant node', async () => {
    const b = new ModelBuilder(10);
    const x = b.input('x', [1, 2, 3, 3]);
    const c = b.op('Constant', [], { value: floatTensor('c', [1, 2, 1, 1], [0.5, -0.5]) });
    b.output(b.op('Clip', [b.op('Add', [x, c])], { min: float(-0.3), max: float(0.6) }));
    expect(await compare(b.build(), [1, 2, 3, 3])).toBeLessThan(1e-6);
  });
});

describe('graphFromOnnx refuses at load', () => {
  it('lists every unsupported node with its reason, in one UnsupportedModelError', () => {
    const b = new ModelBuilder(13);
    const x = b.input('x', [1, 4, 8, 8]);
    const same = conv(b, x, 4, 4, 3, { auto_pad: 'SAME_UPPER' });
    const ceil = b.op('MaxPool', [same], { kernel_shape: [2, 2], ceil_mode: 1 });
    const resized = b.op('Resize', [ceil]);
    const bad = b.op('Sub', [resized, b.op('Relu', [resized])]);
    b.output(b.op('Relu', [bad]));
    const model = parseModel(encodeModel(b.build()));
    let error: unknown;
    try {
      graphFromOnnx(model);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedModelError);
    const e = error as UnsupportedModelError;
    expect(e.nodes.map((n) => n.opType)).toEqual(['Conv', 'MaxPool', 'Resize', 'Sub']);
    expect(e.nodes[0].reason).toMatch(/auto_pad SAME_UPPER/);
    expect(e.nodes[1].reason).toMatch(/ceil_mode/);
    expect(e.nodes[2].reason).toMatch(/operator Resize is not supported/);
    expect(e.nodes[3].reason).toMatch(/two computed tensors/);
    expect(e.message).toMatch(/4 nodes the wasm runtime does not run/);
    for (const n of e.nodes) expect(e.message).toContain(n.name);
  });

  it('a node that does not fit the fixed input dims throws ShapeError at load', () => {
    const b = new ModelBuilder(13);
    const x = b.input('x', [1, 4, 8, 8]);
    b.output(conv(b, x, 3, 4, 3));
    expect(() => graphFromOnnx(parseModel(encodeModel(b.build())))).toThrow(ShapeError);
  });
});
