import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import type { ModelProto } from './proto.js';
import { bnNode, convNode, Rng } from './test-helpers/blocks.js';
import { verifyModels } from './verify.js';

const count = (m: ModelProto, op: string) => m.graph!.node.filter((n) => n.opType === op).length;

/**
 * A stem, then a stride-2 RepVGG-style block padded as Keras' `padding='same'` exports it at an
 * even size: the 3x3 padded only after (0+1), the 1x1 not at all. Their outputs agree in size at
 * even input sizes only, so the block is one conv at the model's fixed size, not at every size.
 */
function sameStride2(
  input: readonly (number | string)[],
  seed: number,
  other: 'pointwise' | 'padded3x3' = 'pointwise',
  c = 4,
): ModelProto {
  const b = new ModelBuilder(17, 'same-stride-2');
  const rng = new Rng(seed);
  let x = b.input('input', input);
  x = b.op('Relu', [bnNode(b, rng, convNode(b, rng, x, 3, c, [3, 3], { pads: [1, 1, 1, 1] }), c)]);
  const dense = convNode(b, rng, x, c, c, [3, 3], { pads: [0, 0, 1, 1], strides: [2, 2] });
  const second =
    other === 'pointwise'
      ? convNode(b, rng, x, c, c, [1, 1], { strides: [2, 2] })
      : convNode(b, rng, x, c, c, [3, 3], { pads: [1, 1, 1, 1], strides: [2, 2] });
  x = b.op('Relu', [b.op('Add', [bnNode(b, rng, dense, c), bnNode(b, rng, second, c)])]);
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [x])]);
  const y = b.op(
    'Gemm',
    [
      pooled,
      b.floats([5, c], rng.uniform(5 * c), 'fc.weight'),
      b.floats([5], rng.uniform(5), 'fc.bias'),
    ],
    { transB: 1 },
  );
  b.output(y, [input[0], 5]);
  return b.build();
}

describe('convertModel merges branches that agree in size only at the fixed input size', () => {
  it('fixed 8x8 input: the stride-2 block becomes one Conv, reported as exact at 8x8, and matches onnxruntime on the original', async () => {
    const model = sameStride2([1, 3, 8, 8], 3);
    const { model: out, report } = await convertModel(model);
    expect(count(out, 'Conv')).toBe(2);
    for (const op of ['Add', 'BatchNormalization']) expect(count(out, op)).toBe(0);
    expect(report.verification?.ok).toBe(true);
    const fixed = report.regions.flatMap((r) => r.segments).filter((s) => s.inputSize);
    expect(fixed).toHaveLength(1);
    expect(fixed[0].inputSize).toEqual([8, 8]);
    expect(fixed[0].kernel).toEqual([4, 4, 3, 3]);
    // An independent check on other random inputs.
    const again = await verifyModels(model, out, { seed: 77, samples: 1 });
    expect(again.ok).toBe(true);
    expect(again.worst.relative).toBeLessThan(1e-5);
  });

  it('at any even input size, a SAME-padded stride-2 3x3 beside a 1x1 or a symmetrically padded 3x3 becomes one Conv that onnxruntime confirms', async () => {
    const caseArb = fc.record({
      h: fc.integer({ min: 2, max: 6 }),
      w: fc.integer({ min: 2, max: 6 }),
      c: fc.integer({ min: 1, max: 4 }),
      other: fc.constantFrom('pointwise' as const, 'padded3x3' as const),
      seed: fc.nat(1000),
    });
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ h, w, c, other, seed }) => {
        const model = sameStride2([1, 3, 2 * h, 2 * w], seed, other, c);
        const { model: out, report } = await convertModel(model);
        expect(count(out, 'Conv')).toBe(2);
        expect(count(out, 'Add')).toBe(0);
        expect(report.verification?.ok).toBe(true);
        const fixed = report.regions.flatMap((r) => r.segments).filter((s) => s.inputSize);
        expect(fixed.map((s) => s.inputSize)).toEqual([[2 * h, 2 * w]]);
      }),
      { seed: 17, numRuns: 8 },
    );
  });

  it('a dynamic batch alone does not prevent the merge', async () => {
    const model = sameStride2(['N', 3, 8, 8], 4);
    const { model: out, report } = await convertModel(model, { shapes: { input: [2, 3, 8, 8] } });
    expect(count(out, 'Conv')).toBe(2);
    expect(count(out, 'Add')).toBe(0);
    expect(report.verification?.ok).toBe(true);
  });

  it('dynamic spatial dims: the block is kept (each branch folded alone) and the reason names the input', async () => {
    const model = sameStride2(['N', 3, 'H', 'W'], 5);
    const { model: out, report } = await convertModel(model, { shapes: { input: [1, 3, 8, 8] } });
    expect(count(out, 'Add')).toBe(1);
    expect(count(out, 'Conv')).toBe(3);
    expect(count(out, 'BatchNormalization')).toBe(0);
    expect(report.regions.flatMap((r) => r.segments).some((s) => s.inputSize)).toBe(false);
    const reasons = report.excluded.map((e) => e.reason).join('\n');
    expect(reasons).toMatch(/agree at this input size \(8x8\) only.*'input' has dynamic spatial/);
    expect(report.verification?.ok).toBe(true);
  });
});
