import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { inputDims, probeModel, randomFeeds } from './probe.js';

describe('probeModel', () => {
  it('exposes every intermediate tensor, including int64 shape tensors and Constant outputs', async () => {
    const b = new ModelBuilder(17);
    const x = b.input('x', ['n', 2, 3, 3]);
    const y = b.op('Relu', [x]);
    const s = b.op('Shape', [y]);
    const z = b.op('Mul', [y, b.floats([1], [3])]);
    b.output(z, ['n', 2, 3, 3]);
    const model = b.build();
    const feeds = randomFeeds(inputDims(model, { x: [2, 2, 3, 3] }), 7);
    const values = await probeModel(model, feeds);
    expect(Array.from(values.get(s)!.data as BigInt64Array, Number)).toEqual([2, 2, 3, 3]);
    const xs = feeds.x.data as Float32Array;
    const ys = values.get(y)!.data as Float32Array;
    expect(Array.from(ys)).toEqual(Array.from(xs, (v) => Math.max(v, 0)));
    expect(values.get(z)!.dims).toEqual([2, 2, 3, 3]);
  });

  it('asks for --shape when an input has a dynamic dim', () => {
    const b = new ModelBuilder(17);
    b.output(b.op('Relu', [b.input('x', ['n', 2])]));
    expect(() => inputDims(b.build())).toThrow(/--shape x=1x2/);
  });
});
