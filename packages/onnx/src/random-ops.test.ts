import { describe, expect, it } from 'vitest';
import { float, ModelBuilder, valueInfo } from './builder.js';
import { convertModel } from './convert.js';
import { randomOutputs } from './random-ops.js';
import { VerificationError } from './errors.js';
import { DataType } from './tensor.js';
import { bnNode, convNode, Rng } from './test-helpers/blocks.js';

const convBn = (b: ModelBuilder, rng: Rng, x: string) =>
  bnNode(b, rng, convNode(b, rng, x, 2, 2, [3, 3], { pads: [1, 1, 1, 1] }), 2);

describe('random operators are named, and outputs depending on them are not compared', () => {
  it('Bernoulli beside a Conv+BN branch: the branch collapses and is verified; the random output is listed as unchecked', async () => {
    const b = new ModelBuilder(15);
    const rng = new Rng(1);
    const x = b.input('x', [1, 2, 6, 6]);
    b.output(b.op('Relu', [convBn(b, rng, x)]), [1, 2, 6, 6]);
    const coin = b.op('Bernoulli', [b.op('Sigmoid', [x])]);
    b.output(coin, [1, 2, 6, 6]);
    const { report } = await convertModel(b.build());
    expect(report.collapsed).toBe(1);
    expect(report.random).toEqual([
      {
        node: b.nodes.find((n) => n.opType === 'Bernoulli')!.name,
        op: 'Bernoulli',
        reason: 'draws random numbers',
      },
    ]);
    expect(report.verification!.ok).toBe(true);
    expect(report.verification!.unchecked).toEqual([coin]);
    expect(report.verification!.outputs.map((o) => o.name)).not.toContain(coin);
  });

  it('the only output adds random noise to a Conv+BN: the region is still checked, on its own output', async () => {
    const b = new ModelBuilder(17);
    const rng = new Rng(2);
    const x = b.input('x', [1, 2, 6, 6]);
    const y = convBn(b, rng, x);
    b.output(b.op('Add', [y, b.op('RandomNormalLike', [y], { scale: float(0.1) })]), [1, 2, 6, 6]);
    const model = b.build();
    const { report } = await convertModel(model);
    expect(report.collapsed).toBe(1);
    expect(report.verification!.unchecked).toHaveLength(1);
    expect(report.verification!.worst.name).toBe(y);
    // the region's own output is a criterion: a tolerance below float32 rounding fails on it
    await expect(convertModel(model, { tolerance: 1e-12 })).rejects.toThrow(VerificationError);
  });

  it('Dropout with a constant true training_mode is random; a Conv+BN after it stays, with the reason', async () => {
    const b = new ModelBuilder(13);
    const rng = new Rng(3);
    const x = b.input('x', [1, 2, 6, 6]);
    const on = b.node('Constant', [], { value: boolTensor(true) })[0];
    const dropped = b.op('Dropout', [convBn(b, rng, x), '', on]);
    b.output(convBn(b, rng, dropped), [1, 2, 6, 6]);
    const { model: out, report } = await convertModel(b.build());
    expect(report.random.map((r) => [r.op, r.reason])).toEqual([
      ['Dropout', 'training_mode is true'],
    ]);
    expect(report.collapsed).toBe(1);
    expect(report.excluded.map((e) => e.reason)).toContain(
      `Conv: '${dropped}' depends on random operators (verification could not check it)`,
    );
    expect(out.graph!.node.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(1);
  });

  it('Dropout whose training_mode is a graph input may be random; with a constant false it is not', async () => {
    const b = new ModelBuilder(13);
    const x = b.input('x', [1, 2, 6, 6]);
    b.inputs.push(valueInfo('t', [], DataType.BOOL));
    b.output(b.op('Dropout', [x, '', 't']), [1, 2, 6, 6]);
    const { report } = await convertModel(b.build(), {
      inputs: { t: { dims: [], data: Uint8Array.of(0), type: 'bool' } },
    });
    expect(report.random.map((r) => r.reason)).toEqual(["training_mode 't' is not a constant"]);
    const c = new ModelBuilder(13);
    const off = c.node('Constant', [], { value: boolTensor(false) })[0];
    c.output(c.op('Dropout', [c.input('x', [1, 2, 6, 6]), '', off]), [1, 2, 6, 6]);
    expect((await convertModel(c.build())).report.random).toEqual([]);
  });

  it('randomOutputs finds, without running the model, the outputs downstream of a random op', () => {
    const b = new ModelBuilder(13);
    const x = b.input('x', [1, 2]);
    const on = b.node('Constant', [], { value: boolTensor(true) })[0];
    const noisy = b.op('Relu', [b.op('Dropout', [x, '', on])]);
    const clean = b.op('Relu', [x]);
    b.output(noisy, [1, 2]);
    b.output(clean, [1, 2]);
    b.output(b.op('Mul', [b.op('RandomUniformLike', [x]), x]), [1, 2]);
    expect(randomOutputs(b.build())).toEqual([noisy, b.nodes[b.nodes.length - 1].output[0]]);
  });
});

function boolTensor(v: boolean) {
  return {
    name: 'value',
    dims: [],
    dataType: DataType.BOOL,
    rawData: Uint8Array.of(v ? 1 : 0),
    floatData: [],
    int32Data: [],
    int64Data: [],
    doubleData: [],
    uint64Data: [],
    stringData: [],
    externalData: [],
  };
}
