import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import type { ModelProto } from './proto.js';
import { bnNode, convNode, Rng } from './test-helpers/blocks.js';

const ops = (m: ModelProto) => m.graph!.node.map((n) => n.opType);

/** Builds `input [1, c, h, w] -> body -> Relu -> output` with opset `opset`. */
function model(
  opset: number,
  c: number,
  body: (b: ModelBuilder, rng: Rng, x: string) => string,
  hw: [number, number] = [7, 6],
): ModelProto {
  const b = new ModelBuilder(opset);
  const rng = new Rng(opset * 31 + c);
  const x = b.input('x', [1, c, ...hw]);
  b.output(b.op('Relu', [body(b, rng, x)]));
  return b.build();
}

async function collapsesToOneConv(m: ModelProto, kind?: string): Promise<void> {
  const { model: out, report } = await convertModel(m);
  if (kind !== undefined) expect(report.regions.map((r) => r.kind)).toEqual([kind]);
  expect(report.verification!.ok).toBe(true);
  expect(
    ops(out),
    JSON.stringify(report.regions.map((r) => r.segments.map((s) => s.reason))),
  ).toEqual(['Conv', 'Relu']);
}

describe('each linear op collapses into one verified Conv', () => {
  it('Concat on channels of conv branches (inception-style), opset 21', () =>
    collapsesToOneConv(
      model(21, 3, (b, rng, x) =>
        b.op(
          'Concat',
          [
            convNode(b, rng, x, 3, 2, [3, 3], { pads: [1, 1, 1, 1] }),
            convNode(b, rng, x, 3, 4, [3, 3], { pads: [1, 1, 1, 1], bias: true }),
            convNode(b, rng, x, 3, 2, [3, 3], { pads: [1, 1, 1, 1] }),
          ],
          { axis: 1 },
        ),
      ),
    ));

  it('Mul, Div, Sub and Add by per-channel and scalar constants, and Sub of two activations', () =>
    collapsesToOneConv(
      model(13, 3, (b, rng, x) => {
        const y = convNode(b, rng, x, 3, 3, [3, 3], { pads: [1, 1, 1, 1] });
        const scaled = b.op('Div', [
          b.op('Mul', [b.floats([1, 3, 1, 1], [2, -1, 0.5]), y]),
          b.floats([], [4]),
        ]);
        const shifted = b.op('Add', [
          b.op('Sub', [b.floats([3, 1, 1], [1, 2, 3]), scaled]),
          b.floats([1], [0.25]),
        ]);
        return b.op('Sub', [shifted, convNode(b, rng, x, 3, 3, [1, 1])]);
      }),
    ));

  it('Identity and Dropout (inference) pass through', () =>
    collapsesToOneConv(
      model(17, 2, (b, rng, x) =>
        bnNode(
          b,
          rng,
          b.op('Dropout', [
            b.op('Identity', [convNode(b, rng, x, 2, 2, [3, 3], { pads: [1, 1, 1, 1] })]),
          ]),
          2,
        ),
      ),
    ));

  it('asymmetric pads, strides and dilation', () =>
    collapsesToOneConv(
      model(
        17,
        2,
        (b, rng, x) =>
          b.op('Add', [
            bnNode(
              b,
              rng,
              convNode(b, rng, x, 2, 4, [3, 3], {
                pads: [1, 3, 2, 2],
                strides: [2, 2],
                dilations: [1, 2],
              }),
              4,
            ),
            bnNode(
              b,
              rng,
              convNode(
                b,
                rng,
                b.op('Pad', [x, b.ints([8], [0, 0, 0, 1, 0, 0, 1, 0])]),
                2,
                4,
                [1, 1],
                { strides: [2, 2] },
              ),
              4,
            ),
          ]),
        [9, 8],
      ),
    ));

  it('auto_pad SAME_UPPER and a grouped conv', () =>
    collapsesToOneConv(
      model(
        17,
        4,
        (b, rng, x) => {
          const w = b.floats([4, 2, 3, 3], rng.uniform(72));
          const y = b.op('Conv', [x, w], {
            auto_pad: 'SAME_UPPER',
            group: 2,
            strides: [2, 2],
            kernel_shape: [3, 3],
          });
          return bnNode(b, rng, y, 4);
        },
        [7, 8],
      ),
    ));

  it('Pad (opset 18 with axes) + AveragePool after a bias-free 1x1 conv, beside a 3x3 conv (DBB avg branch)', () =>
    collapsesToOneConv(
      model(18, 2, (b, rng, x) => {
        const p = b.op('Pad', [
          convNode(b, rng, x, 2, 2, [1, 1]),
          b.ints([4], [1, 1, 1, 1]),
          '',
          b.ints([2], [2, 3]),
        ]);
        const avg = bnNode(
          b,
          rng,
          b.op('AveragePool', [p], { kernel_shape: [3, 3], strides: [1, 1] }),
          2,
        );
        return b.op('Add', [avg, convNode(b, rng, x, 2, 2, [3, 3], { pads: [1, 1, 1, 1] })]);
      }),
    ));
});

describe('more block families', () => {
  it('MobileOne-style depthwise block: k over-parameterized 3x3 branches, a 1x1 scale branch and a BN skip', () =>
    collapsesToOneConv(
      model(17, 4, (b, rng, x) => {
        const dw = (k: number, pads: number[]) =>
          bnNode(b, rng, convNode(b, rng, x, 4, 4, [k, k], { pads, group: 4 }), 4);
        return b.op('Sum', [
          dw(3, [1, 1, 1, 1]),
          dw(3, [1, 1, 1, 1]),
          dw(3, [1, 1, 1, 1]),
          dw(1, [0, 0, 0, 0]),
          bnNode(b, rng, x, 4),
        ]);
      }),
      'MobileOne',
    ));

  it('large-kernel depthwise 13x13 with a parallel 3x3 (RepLKNet-style), stride 2', () =>
    collapsesToOneConv(
      model(
        17,
        4,
        (b, rng, x) =>
          b.op('Add', [
            bnNode(
              b,
              rng,
              convNode(b, rng, x, 4, 4, [13, 13], {
                pads: [6, 6, 6, 6],
                group: 4,
                strides: [2, 2],
              }),
              4,
            ),
            bnNode(
              b,
              rng,
              convNode(b, rng, x, 4, 4, [3, 3], { pads: [1, 1, 1, 1], group: 4, strides: [2, 2] }),
              4,
            ),
          ]),
        [15, 15],
      ),
      'RepLKNet',
    ));
});

describe('regions that must stay, and why', () => {
  it('a residual Add from outside the region keeps the Add and folds the convs with their BNs (ResNet basic block)', async () => {
    const m = model(17, 3, (b, rng, x) => {
      const h = b.op('Relu', [
        bnNode(b, rng, convNode(b, rng, x, 3, 3, [3, 3], { pads: [1, 1, 1, 1] }), 3),
      ]);
      return b.op('Add', [
        bnNode(b, rng, convNode(b, rng, h, 3, 3, [3, 3], { pads: [1, 1, 1, 1] }), 3),
        x,
      ]);
    });
    const { model: out, report } = await convertModel(m);
    expect(ops(out)).toEqual(['Conv', 'Relu', 'Conv', 'Add', 'Relu']);
    expect(report.excluded.map((e) => e.reason).join()).toMatch(
      /combines activations from different inputs/,
    );
    expect(report.verification!.ok).toBe(true);
  });

  it('two 3x3 convs in a row are not merged into a costlier 5x5', async () => {
    const m = model(17, 3, (b, rng, x) =>
      convNode(b, rng, convNode(b, rng, x, 3, 3, [3, 3], { pads: [1, 1, 1, 1] }), 3, 3, [3, 3], {
        pads: [1, 1, 1, 1],
      }),
    );
    const { model: out, report } = await convertModel(m);
    expect(ops(out)).toEqual(['Conv', 'Conv', 'Relu']);
    expect(report.regions[0].segments.map((s) => s.reason)).toContain(
      'already a single convolution',
    );
  });

  it('Mul of two activations and reflect padding are not linear, with the reason', async () => {
    const m = model(17, 2, (b, rng, x) => {
      const y = convNode(b, rng, x, 2, 2, [1, 1]);
      const sq = b.op('Mul', [y, y]);
      const r = b.op('Pad', [sq, b.ints([8], [0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'reflect' });
      return b.op('Slice', [r, b.ints([1], [1]), b.ints([1], [-1]), b.ints([1], [2])]);
    });
    const { report } = await convertModel(m);
    const reasons = report.excluded.map((e) => e.reason).join('\n');
    expect(reasons).toMatch(/Mul: multiplies two activations/);
    expect(reasons).toMatch(/Pad: mode 'reflect'/);
  });
});
