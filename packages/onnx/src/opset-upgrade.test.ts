import { describe, expect, it } from 'vitest';
import { intAttr, stringAttr } from './attributes.js';
import { attribute, ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import { OpsetUpgradeError, UsageError } from './errors.js';
import { upgradeOpset } from './opset-upgrade.js';
import type { ModelProto, NodeProto } from './proto.js';
import { convNode, Rng } from './test-helpers/blocks.js';
import { opset7Model } from './test-helpers/opset-models.js';
import { graphAttribute, node, subgraph } from './test-helpers/subgraphs.js';

const nodes = (m: ModelProto, op: string): NodeProto[] =>
  m.graph!.node.filter((n) => n.opType === op);
const only = (m: ModelProto, op: string): NodeProto => {
  const found = nodes(m, op);
  expect(found, op).toHaveLength(1);
  return found[0];
};
const attrNames = (n: NodeProto) => n.attribute.map((a) => a.name).sort();

/** Converts at `opset`: onnxruntime verified the upgraded model against the original. */
async function upgraded(model: ModelProto, opset: number): Promise<ModelProto> {
  const { model: out, report } = await convertModel(model, { opset });
  expect(report.verification?.ok).toBe(true);
  expect(report.opsetBefore).toBe(model.opsetImport[0].version);
  expect(report.opset).toBe(opset);
  expect(out.opsetImport).toEqual([{ domain: '', version: opset }]);
  return out;
}

describe('--opset: the converted model is written at a newer opset, each changed operator in its new form', () => {
  it('opset 7 -> 17: Upsample -> Resize, attributes -> inputs, Softmax spelled out over its 2-D view', async () => {
    const model = opset7Model();
    const out = await upgraded(model, 17);
    expect(out.irVersion).toBe(8);
    expect(nodes(out, 'Upsample')).toHaveLength(0);
    const resize = only(out, 'Resize');
    expect(resize.input).toEqual(['x', '', expect.any(String)]);
    expect(stringAttr(resize, 'coordinate_transformation_mode', '')).toBe('asymmetric');
    expect(stringAttr(resize, 'nearest_mode', '')).toBe('floor');
    expect(only(out, 'Pad').input).toHaveLength(3);
    expect(attrNames(only(out, 'Pad'))).toEqual([]);
    expect(only(out, 'Clip').input).toHaveLength(3);
    expect(only(out, 'Slice').input).toHaveLength(4);
    expect(only(out, 'Dropout').input).toHaveLength(2);
    expect(only(out, 'Flatten').input).toEqual([only(out, 'Dropout').output[0]]);
    expect(only(out, 'Reshape').output).toEqual([model.graph!.output[0].name]);
    expect(attrNames(only(out, 'BatchNormalization'))).toEqual(['epsilon']);
    expect(only(out, 'Conv').input).toHaveLength(3); // the block was collapsed as well
  });

  it('opset 7 -> 21: the same model at the newest opset, IR 10, loaded and verified by onnxruntime', async () => {
    const out = await upgraded(opset7Model(), 21);
    expect(out.irVersion).toBe(10);
    expect(only(out, 'Resize').input[1]).toBe('');
  });

  it('opset 9 -> 11 and 12: Upsample-9 linear becomes Resize with an empty roi tensor (required before 13)', async () => {
    const b = new ModelBuilder(9);
    const x = b.input('x', [1, 2, 3, 5]);
    const scales = b.floats([4], [1, 1, 2, 1.5], 'scales');
    b.output(b.op('Upsample', [x, scales], { mode: 'linear' }), [1, 2, 6, 7]);
    for (const opset of [11, 12]) {
      const out = await upgraded(b.build(), opset);
      const resize = only(out, 'Resize');
      expect(stringAttr(resize, 'mode', '')).toBe('linear');
      const roi = out.graph!.node.find((n) => n.output[0] === resize.input[1])!;
      expect(roi.opType).toBe('Constant');
      expect(roi.attribute[0].t!.dims).toEqual([0]);
    }
  });

  it('opset 11 -> 21: axes, split and the Softmax family; Hardmax over a 4-D tensor spelled out', async () => {
    const b = new ModelBuilder(11);
    const x = b.input('x', [1, 3, 4, 4]);
    const [a, rest] = b.node('Split', [x], { axis: 1, split: [1, 2] }, 2);
    const summed = b.op('ReduceSum', [rest], { axes: [1], keepdims: 1 });
    const mean = b.op('ReduceMean', [b.op('Add', [a, summed])], { axes: [2, 3], keepdims: 1 });
    const squeezed = b.op('Squeeze', [mean], { axes: [2, 3] });
    b.output(b.op('Unsqueeze', [squeezed], { axes: [0] }), [1, 1, 1]);
    b.output(b.op('LogSoftmax', [rest], { axis: -1 }), [1, 2, 4, 4]);
    b.output(b.op('Hardmax', [x], { axis: 2 }), [1, 3, 4, 4]);
    const out = await upgraded(b.build(), 21);
    for (const op of ['ReduceSum', 'ReduceMean', 'Squeeze', 'Unsqueeze', 'Split']) {
      const n = only(out, op);
      expect(n.input, op).toHaveLength(2);
      expect(attrNames(n), op).not.toContain(op === 'Split' ? 'split' : 'axes');
    }
    expect(only(out, 'LogSoftmax').input).toEqual([rest]); // already on the last axis
    expect(only(out, 'Flatten').input).toEqual(['x']);
    expect(only(out, 'Reshape').output).toEqual([out.graph!.output[2].name]);
  });

  it("the probe's dims decide: Softmax-11 on a computed [1, 3, 1, 1] stays one node at 13", async () => {
    const b = new ModelBuilder(11);
    const x = b.input('x', [1, 3, 1, 1]);
    b.output(b.op('Softmax', [b.op('Relu', [x])], { axis: 1 }), [1, 3, 1, 1]);
    const { model: out, report } = await convertModel(b.build(), { opset: 13 });
    expect(report.opset).toBe(13);
    expect(report.upgraded).toEqual([]); // the same nodes: nothing to verify
    expect(out.graph!.node.map((n) => n.opType)).toEqual(['Relu', 'Softmax']);
    // without a run behind it, the Relu's dims are unknown and the 2-D view is spelled out
    const blind = upgradeOpset(b.build(), 13).model;
    expect(blind.graph!.node.map((n) => n.opType)).toContain('Flatten');
  });

  it('nodes inside If branches are upgraded too', async () => {
    const b = new ModelBuilder(11);
    const x = b.input('x', [1, 3, 2, 2]);
    const branch = (axis: number) =>
      subgraph(
        `sum${axis}`,
        [node(`sum${axis}`, 'ReduceSum', [x], `s${axis}`, [attribute('axes', [axis])])],
        [`s${axis}`],
      );
    const cond = b.op('Greater', [b.op('ReduceMax', [x], { keepdims: 0 }), b.floats([], [0])]);
    b.nodes.push(
      node('if', 'If', [cond], 'y', [
        graphAttribute('then_branch', branch(1)),
        graphAttribute('else_branch', branch(2)),
      ]),
    );
    b.output('y', []);
    const out = await upgraded(b.build(), 13);
    const ifNode = only(out, 'If');
    for (const a of ifNode.attribute) {
      const sum = a.g!.node.find((n) => n.opType === 'ReduceSum')!;
      expect(sum.input).toHaveLength(2);
      expect(a.g!.node.some((n) => n.opType === 'Constant')).toBe(true);
    }
  });
});

describe('--opset refuses what it cannot do exactly, naming the node and operator', () => {
  const model = () => {
    const b = new ModelBuilder(13);
    const x = b.input('x', [1, 2, 4, 4]);
    b.output(b.op('Relu', [convNode(b, new Rng(1), x, 2, 2, [3, 3])]), [1, 2, 2, 2]);
    return b.build();
  };

  it('an opset below the model own, beyond 21 or not an integer, before anything runs', async () => {
    for (const opset of [12, 7, 22, 16.5])
      await expect(convertModel(model(), { opset })).rejects.toThrow(
        new RegExp(
          `convertModel: cannot write the model at opset ${opset}: it is at opset 13, .* 13-21`,
        ),
      );
    await expect(convertModel(model(), { opset: 12 })).rejects.toThrow(UsageError);
    await expect(convertModel(model(), { opset: 12 })).rejects.toThrow(/an older opset would drop/);
  });

  it('Resize-10 nearest shrinking (rounding undefined) and a used Dropout mask', async () => {
    const b = new ModelBuilder(10);
    const x = b.input('x', [1, 1, 4, 4]);
    b.output(b.op('Resize', [x, b.floats([4], [1, 1, 0.5, 0.5])], { mode: 'nearest' }), []);
    await expect(convertModel(b.build(), { opset: 11 })).rejects.toThrow(
      /upgradeOpset: 1 node cannot be written at opset 11 exactly: node 'resize_1' \(Resize-10\): a scale is below 1 \(0.5, 0.5\).*; keep the model's own opset 10$/,
    );
    const d = new ModelBuilder(9);
    const y = d.input('y', [1, 2]);
    const [out, mask] = d.node('Dropout', [y], {}, 2);
    d.output(out, [1, 2]);
    d.output(mask, [1, 2]);
    await expect(convertModel(d.build(), { opset: 17 })).rejects.toThrow(
      /node 'dropout_0' \(Dropout-7\): its output 'dropout_0_out1' changed meaning or type; keep the model's own opset 9$/,
    );
  });

  /** Opset 5: Add-1 with B aligned at axis 1 (not numpy's alignment), Tile-1, and fine nodes. */
  const opset5 = () => {
    const b = new ModelBuilder(5);
    const x = b.input('x', [1, 3, 4, 4]);
    const atAxis = b.op('Add', [x, b.floats([3], [1, 2, 3])], { broadcast: 1, axis: 1 });
    const atEnd = b.op('Add', [atAxis, b.floats([4, 4], new Array(16).fill(1))], {
      broadcast: 1,
      axis: 2,
    });
    const tiled = b.op('Tile', [atEnd, b.floats([], [2]), b.floats([], [1])]);
    b.output(b.op('Relu', [tiled]), []);
    return b.build();
  };

  it('Cast-1 names its type by a string: upgraded to the number of that TensorProto.DataType; BFLOAT16 refused', () => {
    const castModel = (to: string) => {
      const b = new ModelBuilder(5);
      b.output(b.op('Cast', [b.input('x', [1, 2])], { to }), [1, 2]);
      return b.build();
    };
    const cast = only(upgradeOpset(castModel('int64'), 13).model, 'Cast');
    expect(intAttr(cast, 'to', -1)).toBe(7);
    expect(intAttr(only(upgradeOpset(castModel('DOUBLE'), 13).model, 'Cast'), 'to', -1)).toBe(11);
    expect(() => upgradeOpset(castModel('BFLOAT16'), 13)).toThrow(OpsetUpgradeError);
    expect(() => upgradeOpset(castModel('UNDEFINED'), 13)).toThrow(/UNDEFINED/);
  });

  it('every node that cannot cross is listed at once, with the newest opset still possible', () => {
    let error: unknown;
    try {
      upgradeOpset(opset5(), 17);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OpsetUpgradeError);
    expect(error).toBeInstanceOf(UsageError);
    const e = error as OpsetUpgradeError;
    expect(e.nodes).toEqual([
      {
        node: 'add_1',
        operator: 'Add-6',
        why: 'B [3] is broadcast at axis 1 of A [1, 3, 4, 4], not at its end as numpy broadcasting (version 7) does',
      },
      {
        node: 'add_3',
        operator: 'Add-6',
        why: expect.stringMatching(/the dims of A are not known/) as string,
      },
      {
        node: 'tile_6',
        operator: 'Tile-1',
        why: expect.stringMatching(/repeats vector/) as string,
      },
    ]);
    expect(e.highest).toBe(5);
    expect(e.message).toMatch(
      /^upgradeOpset: 3 nodes cannot be written at opset 17 exactly: node 'add_1' \(Add-6\): .*; node 'tile_6' \(Tile-1\): .*; keep the model's own opset 5$/,
    );
  });

  it('Add-1 with B aligned at the end crosses to numpy broadcasting; misaligned, it may stop at 6', () => {
    const build = (axis: number) => {
      const b = new ModelBuilder(5);
      const x = b.input('x', [1, 3, 4, 4]);
      const mid = b.op('Add', [x, b.floats([4, 4], new Array(16).fill(1))], { broadcast: 1, axis });
      b.output(b.op('Add', [mid, b.floats([4], [1, 2, 3, 4])], { broadcast: 1, axis: 3 }), []);
      return { model: b.build(), mid };
    };
    const aligned = build(2);
    expect(() => upgradeOpset(aligned.model, 7)).toThrow(/node 'add_3' .*dims of A are not known/);
    const facts = (name: string) => (name === aligned.mid ? { dims: [1, 3, 4, 4] } : undefined);
    const { model, rewritten } = upgradeOpset(aligned.model, 7, { facts });
    expect(rewritten).toEqual(['add_1', 'add_3']);
    for (const n of model.graph!.node) expect(n.attribute).toEqual([]);
    const misaligned = build(1);
    expect(() => upgradeOpset(misaligned.model, 7, { facts })).toThrow(
      /^upgradeOpset: 1 node cannot be written at opset 7 exactly: node 'add_1' \(Add-6\): B \[4, 4\] is broadcast at axis 1 of A \[1, 3, 4, 4\].*; keep the model's own opset 5, or write it at opset 6 at most$/,
    );
    expect(upgradeOpset(misaligned.model, 6).rewritten).toEqual([]); // nothing to drop at 6
  });
});
