import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import { verifyModels } from './verify.js';
import { bnNode, convNode, padWithValues, Rng } from './test-helpers/blocks.js';

/** One step of a random network over tensors of shape [1, 4, 6, 6]; operands index earlier tensors. */
type Step =
  | { op: 'convbn'; a: number; k: 1 | 3 }
  | { op: 'conv'; a: number; k: 1 | 3 }
  | { op: 'add'; a: number; b: number }
  | { op: 'relu'; a: number }
  | { op: 'scale'; a: number }
  | { op: 'pool'; a: number }
  | { op: 'concat'; a: number; b: number }
  | { op: 'crop'; a: number }
  | { op: 'fillpool'; a: number; bnFill: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('convbn' as const),
    a: fc.nat(),
    k: fc.constantFrom(1 as const, 3 as const),
  }),
  fc.record({
    op: fc.constant('conv' as const),
    a: fc.nat(),
    k: fc.constantFrom(1 as const, 3 as const),
  }),
  fc.record({ op: fc.constant('add' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('relu' as const), a: fc.nat() }),
  fc.record({ op: fc.constant('scale' as const), a: fc.nat() }),
  fc.record({ op: fc.constant('pool' as const), a: fc.nat() }),
  fc.record({ op: fc.constant('concat' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('crop' as const), a: fc.nat() }),
  fc.record({ op: fc.constant('fillpool' as const), a: fc.nat(), bnFill: fc.boolean() }),
);

/** beta - mean * gamma / sqrt(var + eps) of a BatchNormalization's inputs, computed in the graph. */
function bnAtZero(b: ModelBuilder, [, g, beta, mean, variance]: string[]): string {
  const std = b.op('Sqrt', [b.op('Add', [variance, b.floats([1], [1e-5])])]);
  return b.op('Sub', [beta, b.op('Div', [b.op('Mul', [mean, g]), std])]);
}

function build(steps: Step[], seed: number) {
  const b = new ModelBuilder(17);
  const rng = new Rng(seed);
  const c = 4;
  const ts = [b.input('x', [1, c, 6, 6])];
  const pick = (i: number) => ts[i % ts.length];
  for (const s of steps) {
    const pads =
      s.op === 'convbn' || s.op === 'conv' ? (s.k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0]) : [];
    switch (s.op) {
      case 'convbn':
        ts.push(bnNode(b, rng, convNode(b, rng, pick(s.a), c, c, [s.k, s.k], { pads }), c));
        break;
      case 'conv':
        ts.push(convNode(b, rng, pick(s.a), c, c, [s.k, s.k], { pads, bias: true }));
        break;
      case 'add':
        ts.push(b.op('Add', [pick(s.a), pick(s.b)]));
        break;
      case 'relu':
        ts.push(b.op('Relu', [pick(s.a)]));
        break;
      case 'scale':
        ts.push(b.op('Mul', [pick(s.a), b.floats([1, c, 1, 1], rng.uniform(c, 0.5, 2))]));
        break;
      case 'pool':
        ts.push(
          b.op('AveragePool', [b.op('Pad', [pick(s.a), b.ints([8], [0, 0, 1, 1, 0, 0, 1, 1])])], {
            kernel_shape: [3, 3],
          }),
        );
        break;
      case 'crop': {
        const padded = b.op('Pad', [pick(s.a), b.ints([8], [0, 0, 1, 1, 0, 0, 1, 1])]);
        ts.push(
          b.op('Slice', [padded, b.ints([2], [1, 1]), b.ints([2], [-1, -1]), b.ints([2], [2, 3])]),
        );
        break;
      }
      case 'fillpool': {
        // pad with per-channel values (DBB's pad-with-bias when they are a preceding BN's value at 0)
        const src = s.bnFill
          ? bnNode(b, rng, convNode(b, rng, pick(s.a), c, c, [1, 1]), c)
          : pick(s.a);
        const node = b.nodes[b.nodes.length - 1];
        const fill = s.bnFill ? bnAtZero(b, node.input) : b.floats([c], rng.uniform(c));
        const filled = padWithValues(b, src, [1, c, 6, 6], 1, fill);
        ts.push(b.op('AveragePool', [filled], { kernel_shape: [3, 3], count_include_pad: 1 }));
        break;
      }
      case 'concat':
        ts.push(
          convNode(b, rng, b.op('Concat', [pick(s.a), pick(s.b)], { axis: 1 }), 2 * c, c, [1, 1]),
        );
        break;
    }
  }
  b.output(ts[ts.length - 1], [1, c, 6, 6]);
  return b.build();
}

describe('random networks of linear and non-linear ops', () => {
  it('always convert to a model that onnxruntime finds equivalent, with no more Conv+BN pairs left unfolded than reported', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.nat(1000),
        async (steps, seed) => {
          const model = build(steps, seed);
          const { model: out, report } = await convertModel(model, { samples: 1 });
          // nothing collapsed: the converter does not run it again, so the test does
          const verification = report.verification ?? (await verifyModels(model, out));
          expect(verification.ok).toBe(true);
          const kept = report.regions.flatMap((r) =>
            r.segments.filter((s) => !s.collapsed).flatMap((s) => s.nodes),
          );
          const bns = out
            .graph!.node.filter((n) => n.opType === 'BatchNormalization')
            .map((n) => n.name ?? '');
          for (const bn of bns) expect(kept).toContain(bn);
        },
      ),
      { numRuns: Number(process.env.RANDOM_GRAPH_RUNS ?? 25) },
    );
  }, 120_000);
});
