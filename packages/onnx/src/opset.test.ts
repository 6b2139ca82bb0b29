import { describe, expect, it } from 'vitest';
import { float, ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import type { ModelProto } from './proto.js';
import { bnNode, convNode, Rng } from './test-helpers/blocks.js';

const ops = (m: ModelProto) => m.graph!.node.map((n) => n.opType);

/** `x [1, c, 8, 8] -> body -> Relu`, at `opset`, IR version 3 (initializers listed as inputs) below opset 9. */
function legacy(
  opset: number,
  c: number,
  body: (b: ModelBuilder, rng: Rng, x: string) => string,
): ModelProto {
  const b = new ModelBuilder(opset);
  const rng = new Rng(opset);
  const x = b.input('x', [1, c, 8, 8]);
  b.output(b.op('Relu', [body(b, rng, x)]));
  const model = b.build();
  if (opset >= 9) return model;
  const graph = model.graph!;
  const inits = graph.initializer.map((t) => ({
    name: t.name,
    type: {
      tensorType: { elemType: t.dataType, shape: { dim: t.dims.map((d) => ({ dimValue: d })) } },
    },
  }));
  return { ...model, irVersion: 3, graph: { ...graph, input: [...graph.input, ...inits] } };
}

/** Converts, expects one Conv + Relu verified by onnxruntime, and the model's opset and IR version kept. */
async function collapsesToOneConv(model: ModelProto): Promise<ModelProto> {
  const { model: out, report } = await convertModel(model);
  const reasons = JSON.stringify(report.regions.map((r) => r.segments.map((s) => s.reason)));
  expect(ops(out), reasons).toEqual(['Conv', 'Relu']);
  expect(report.verification!.ok).toBe(true);
  expect(out.opsetImport).toEqual(model.opsetImport);
  expect(out.irVersion).toBe(model.irVersion);
  return out;
}

describe('older operator forms are read as their own opset defines them', () => {
  it('opset 7: BatchNormalization with spatial 1, Dropout with a ratio attribute, Sum of two branches', () =>
    collapsesToOneConv(
      legacy(7, 3, (b, rng, x) => {
        const bn = (t: string) => {
          const y = bnNode(b, rng, t, 3);
          b.nodes[b.nodes.length - 1].attribute.push({ ...attr('spatial', 1) });
          return y;
        };
        const dense = bn(convNode(b, rng, x, 3, 3, [3, 3], { pads: [1, 1, 1, 1] }));
        const point = bn(convNode(b, rng, x, 3, 3, [1, 1]));
        return b.op('Dropout', [b.op('Sum', [dense, point])], { ratio: float(0.3) });
      }),
    ));

  it('opset 8: Pad-2 with its amounts and a value as attributes (pad-with-bias before a 3x3 conv)', () =>
    collapsesToOneConv(
      legacy(8, 2, (b, rng, x) => {
        // a 1x1 conv whose bias is 0.25 in every channel, padded with 0.25: exact as one conv
        const w = b.floats([2, 2, 1, 1], rng.uniform(4));
        const y = b.op('Conv', [x, w, b.floats([2], [0.25, 0.25])], { kernel_shape: [1, 1] });
        const padded = b.op('Pad', [y], { pads: [0, 0, 1, 1, 0, 0, 1, 1], value: float(0.25) });
        return convNode(b, rng, padded, 2, 2, [3, 3]);
      }),
    ));

  it('opset 9: Slice-1 crops with attributes (starts, ends, axes)', () =>
    collapsesToOneConv(
      legacy(9, 2, (b, rng, x) => {
        const y = convNode(b, rng, x, 2, 2, [3, 3], { pads: [2, 2, 2, 2] });
        const cropped = b.op('Slice', [y], { starts: [1, 1], ends: [-1, -1], axes: [2, 3] });
        return bnNode(b, rng, cropped, 2);
      }),
    ));

  it('IR version 3: every initializer of the written model is also listed as a graph input, and no other input was added', async () => {
    const model = legacy(7, 2, (b, rng, x) =>
      bnNode(b, rng, convNode(b, rng, x, 2, 2, [3, 3], { pads: [1, 1, 1, 1] }), 2),
    );
    const out = await collapsesToOneConv(model);
    const inputs = out.graph!.input.map((v) => v.name);
    const inits = out.graph!.initializer.map((t) => t.name);
    expect(inits).toHaveLength(2);
    for (const t of inits) expect(inputs).toContain(t);
    expect(inputs.filter((n) => !inits.includes(n))).toEqual(['x']);
  });

  it('opset 8: BatchNormalization with spatial 0 (per-activation statistics) is kept, with the reason', async () => {
    const model = legacy(8, 2, (b, rng, x) => {
      // per-activation statistics: one value per channel and position
      const p = (lo: number, hi: number) => b.floats([2, 8, 8], rng.uniform(128, lo, hi));
      const y = convNode(b, rng, x, 2, 2, [1, 1]);
      return b.op('BatchNormalization', [y, p(0.5, 1.5), p(-1, 1), p(-1, 1), p(0.5, 2)], {
        spatial: 0,
      });
    });
    const { model: out, report } = await convertModel(model);
    expect(report.excluded.map((e) => e.reason)).toContain(
      'BatchNormalization: spatial is 0 (per-activation statistics)',
    );
    expect(ops(out)).toEqual(['Conv', 'BatchNormalization', 'Relu']);
  });
});

function attr(name: string, i: number) {
  return { name, type: 2, i, floats: [], ints: [], strings: [], tensors: [], graphs: [] };
}
