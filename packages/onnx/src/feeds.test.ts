import { describe, expect, it } from 'vitest';
import { ModelBuilder, valueInfo } from './builder.js';
import { convertModel } from './convert.js';
import { UsageError } from './errors.js';
import { inputFeeds } from './feeds.js';
import type { ModelProto } from './proto.js';
import { DataType } from './tensor.js';
import { bnNode, convNode, Rng } from './test-helpers/blocks.js';

/** A model whose inputs are declared with the given element types, each read by `Identity`. */
function typed(inputs: Record<string, [number, number[]]>): ModelProto {
  const b = new ModelBuilder(17);
  for (const [name, [type, dims]] of Object.entries(inputs)) {
    b.inputs.push(valueInfo(name, dims, type));
    b.output(b.op('Identity', [name]), dims, type);
  }
  return b.build();
}

const values = (data: ArrayLike<number | bigint>) => Array.from(data, Number);

describe('inputFeeds: random inputs of every element type, in ranges their readers accept', () => {
  it('each type gets its own typed array and range: floats in [-1, 1), signed in [-8, 8], unsigned in [0, 255], bool 0/1', () => {
    const feeds = inputFeeds(
      typed({
        f32: [DataType.FLOAT, [64]],
        f64: [DataType.DOUBLE, [64]],
        i8: [DataType.INT8, [64]],
        i64: [DataType.INT64, [64]],
        u8: [DataType.UINT8, [256]],
        u16: [4, [64]],
        b: [DataType.BOOL, [64]],
      }),
    );
    expect(feeds.f32.data).toBeInstanceOf(Float32Array);
    expect(feeds.f64.data).toBeInstanceOf(Float64Array);
    expect(feeds.i8.data).toBeInstanceOf(Int8Array);
    expect(feeds.i64.data).toBeInstanceOf(BigInt64Array);
    expect(feeds.u8.data).toBeInstanceOf(Uint8Array);
    expect(feeds.u8.type).toBe('uint8');
    expect(feeds.b.type).toBe('bool');
    for (const k of ['f32', 'f64'])
      for (const v of values(feeds[k].data)) expect(v >= -1 && v < 1).toBe(true);
    for (const k of ['i8', 'i64'])
      for (const v of values(feeds[k].data)) expect(v >= -8 && v <= 8).toBe(true);
    expect(values(feeds.i64.data).some((v) => v < 0)).toBe(true);
    for (const k of ['u8', 'u16'])
      for (const v of values(feeds[k].data)) expect(v >= 0 && v <= 255).toBe(true);
    expect(Math.max(...values(feeds.u8.data))).toBeGreaterThan(200);
    expect(new Set(values(feeds.b.data))).toEqual(new Set([0, 1]));
  });

  it('float16 inputs carry half-precision bits of values in [-1, 1]', () => {
    const feeds = inputFeeds(typed({ h: [DataType.FLOAT16, [32]] }));
    expect(feeds.h.type).toBe('float16');
    for (const bits of values(feeds.h.data)) {
      const exponent = (bits >> 10) & 31;
      expect(exponent).toBeLessThanOrEqual(15); // |v| <= 1
    }
  });

  it('int64 indices into a [5, 3] tensor (Gather) are in [0, 3); integer divisors are never 0', () => {
    const b = new ModelBuilder(17);
    b.inputs.push(valueInfo('idx', [200], DataType.INT64), valueInfo('d', [200], DataType.INT32));
    const data = b.floats([5, 3], new Array<number>(15).fill(1));
    b.output(b.op('Gather', [data, 'idx']), [200, 3]);
    b.output(b.op('Div', [b.ints([1], [7]), 'd']));
    const feeds = inputFeeds(b.build());
    const idx = values(feeds.idx.data);
    expect(Math.min(...idx)).toBe(0);
    expect(Math.max(...idx)).toBe(2);
    expect(values(feeds.d.data)).not.toContain(0);
  });

  it('an input giving Reshape its shape cannot be random: UsageError naming it, unless it is given', () => {
    const b = new ModelBuilder(17);
    b.inputs.push(valueInfo('x', [2, 6]), valueInfo('shape', [2], DataType.INT64));
    b.output(b.op('Reshape', ['x', 'shape']));
    const model = b.build();
    expect(() => inputFeeds(model)).toThrow(UsageError);
    expect(() => inputFeeds(model)).toThrow(/input 'shape' gives Reshape .*--input shape=/);
    const shape = { dims: [2], data: BigInt64Array.from([3n, 4n]), type: 'int64' };
    expect(inputFeeds(model, { inputs: { shape } }).shape).toBe(shape);
  });

  it('given inputs must match the declared type and fixed dims, and name a real input', () => {
    const model = typed({ x: [DataType.FLOAT, [1, 2]] });
    const f64 = { dims: [1, 2], data: new Float64Array(2), type: 'float64' };
    expect(() => inputFeeds(model, { inputs: { x: f64 } })).toThrow(/given as float64.*float32/);
    const wrong = { dims: [2, 1], data: new Float32Array(2), type: 'float32' };
    expect(() => inputFeeds(model, { inputs: { x: wrong } })).toThrow(/does not fit/);
    expect(() => inputFeeds(model, { inputs: { y: wrong } })).toThrow(/no input 'y'/);
  });
});

describe('convertModel with inputs that are not float32', () => {
  it('a uint8 image input through Cast into Conv+BN collapses, verified on random pixels in [0, 255]', async () => {
    const b = new ModelBuilder(13);
    const rng = new Rng(5);
    b.inputs.push(valueInfo('image', [1, 3, 8, 8], DataType.UINT8));
    const x = b.op('Cast', ['image'], { to: DataType.FLOAT });
    const y = bnNode(b, rng, convNode(b, rng, x, 3, 4, [3, 3], { pads: [1, 1, 1, 1] }), 4);
    b.output(b.op('Relu', [y]), [1, 4, 8, 8]);
    const { model: out, report } = await convertModel(b.build());
    expect(out.graph!.node.map((n) => n.opType)).toEqual(['Cast', 'Conv', 'Relu']);
    expect(report.verification!.ok).toBe(true);
    expect(report.verification!.worst.maxAbs).toBeGreaterThan(10); // pixels, not [-1, 1)
  });

  it('given inputs are used by the probe and the verification (one sample, since nothing is random)', async () => {
    const b = new ModelBuilder(17);
    const rng = new Rng(6);
    b.inputs.push(valueInfo('x', [1, 2, 5, 5]), valueInfo('shape', [2], DataType.INT64));
    const y = bnNode(b, rng, convNode(b, rng, 'x', 2, 2, [3, 3], { pads: [1, 1, 1, 1] }), 2);
    b.output(b.op('Reshape', [y, 'shape']));
    const shape = { dims: [2], data: BigInt64Array.from([2n, 25n]), type: 'int64' };
    const x = { dims: [1, 2, 5, 5], data: new Float32Array(50).fill(3), type: 'float32' };
    const { report } = await convertModel(b.build(), { inputs: { x, shape } });
    expect(report.collapsed).toBe(1);
    expect(report.verification!.ok).toBe(true);
    expect(report.verification!.outputs[0].maxAbs).toBeGreaterThan(1); // from x = 3, not random
  });

  it('a zero-size input dim: the model converts, and the empty region is kept with the reason', async () => {
    const b = new ModelBuilder(17);
    const rng = new Rng(7);
    b.inputs.push(valueInfo('x', [0, 2, 4, 4]));
    const y = bnNode(b, rng, convNode(b, rng, 'x', 2, 2, [1, 1]), 2);
    b.output(b.op('Relu', [y]), [0, 2, 4, 4]);
    const { model: out, report } = await convertModel(b.build());
    expect(report.collapsed).toBe(0);
    expect(report.excluded.map((e) => e.reason)).toContain(
      "Conv: tensor 'x' is empty (dims [0, 2, 4, 4])",
    );
    expect(out.graph!.node).toHaveLength(3);
  });
});
