import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { difference } from './compare.js';
import { convertModel } from './convert.js';
import { runModel } from './ort-run.js';
import { randomFeeds } from './probe.js';
import { encodeModel, type ModelProto } from './proto.js';
import { dbbBlock, Rng } from './test-helpers/blocks.js';

const weights = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i + 1));

/** Conv, then Div by Shape(x)[axis] (as a float): a constant computed from the input shape. */
function dividedByDim(dims: (number | string)[], axis: number, op: 'Div' | 'Mul'): ModelProto {
  const b = new ModelBuilder(17);
  const x = b.input('x', dims);
  const y = b.op('Conv', [x, b.floats([4, 4, 1, 1], weights(16))]);
  const dim = b.op('Gather', [b.op('Shape', [x]), b.ints([], [axis])], { axis: 0 });
  const f = b.op('Cast', [dim], { to: 1 });
  b.output(b.op(op, [y, f]), dims);
  return b.build();
}

/** The worst relative difference of the two models' output at input dims `at` (onnxruntime). */
async function offAt(a: ModelProto, b: ModelProto, at: number[]): Promise<number> {
  const feeds = randomFeeds(new Map([['x', at]]), 5);
  const [ra, rb] = await Promise.all(
    [a, b].map((m) => runModel(encodeModel(m), feeds, [m.graph!.output[0].name!])),
  );
  const name = a.graph!.output[0].name!;
  return difference(name, ra.get(name)!, rb.get(name)!).relative;
}

describe('constants computed from input shapes while dims are dynamic', () => {
  it('Div by Shape(x)[0] with a dynamic batch is not folded: the model stays right at batch 3', async () => {
    const m = dividedByDim(['N', 4, 8, 8], 0, 'Div');
    const { model } = await convertModel(m, { shapes: { x: [1, 4, 8, 8] } });
    expect(model.graph!.node.map((n) => n.opType)).toContain('Div');
    expect(await offAt(m, model, [3, 4, 8, 8])).toBeLessThan(1e-6);
  });

  it('Mul by Shape(x)[2] with dynamic H and W is not folded: right at 16x16', async () => {
    const m = dividedByDim([1, 4, 'H', 'W'], 2, 'Mul');
    const { model, report } = await convertModel(m, { shapes: { x: [1, 4, 8, 8] } });
    expect(await offAt(m, model, [1, 4, 16, 16])).toBeLessThan(1e-6);
    expect(report.excluded.map((e) => e.reason).join('\n')).toMatch(
      /computed from the input shape, and 'x' has dynamic dims/,
    );
  });

  it('with fixed dims the same Div is folded (the model only runs at that shape)', async () => {
    const m = dividedByDim([2, 4, 8, 8], 0, 'Div');
    const { model } = await convertModel(m);
    expect(model.graph!.node.map((n) => n.opType)).toEqual(['Conv']);
    expect(await offAt(m, model, [2, 4, 8, 8])).toBeLessThan(1e-6);
  });
});

describe('pad-with-bias written by constant ScatterND indices under dynamic dims', () => {
  it('is not taken for a border pad: the model stays right at another size', async () => {
    const b = new ModelBuilder(17);
    const x = b.input('x', ['N', 3, 'H', 'W']);
    b.output(b.op('Relu', [dbbBlock(b, new Rng(126), x, [1, 3, 6, 6], 3)]), ['N', 3, 'H', 'W']);
    const m = b.build();
    const { model } = await convertModel(m, { shapes: { x: [1, 3, 6, 6] } });
    expect(await offAt(m, model, [2, 3, 8, 8])).toBeLessThan(1e-5);
  });
});
