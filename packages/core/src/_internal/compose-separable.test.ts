import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapse } from '../collapse.js';
import { makeConv } from '../conv.js';
import { conv2dReference } from '../conv2d-reference.js';
import { evaluate } from '../evaluate.js';
import { avgPool, batchNorm, conv, type Expr, pad, sequence, sum } from '../expr.js';
import { expectClose, inputArb, randomBatchNorm, seedArb, values } from '../testing/index.js';
import { jsMatrixProduct } from '../product.js';
import { composeFillConvs } from './compose.js';
import { toFillConv } from './fill-conv.js';

// A 1x1 stage then a depthwise stage (DBB's average-pool branch) is kept as a separable part,
// and a KxK stage after a 1x1 is read where it is stored with its batch-norm scale moved to the
// composite's rows. Each is checked against the float64 evaluation of the block, together with
// the forms that must fall back to the dense composition.

const blockArb = fc
  .record({
    cin: fc.integer({ min: 1, max: 5 }),
    mid: fc.integer({ min: 1, max: 5 }),
    groups: fc.constantFrom(1, 2),
    stride: fc.constantFrom(1, 2),
    k: fc.constantFrom(2, 3),
    dilation: fc.constantFrom(1, 2),
    second: fc.constantFrom('avgPool', 'depthwise', 'multiplier', 'dense'),
    firstForm: fc.constantFrom('plain', 'batchNorm', 'sum', 'padded', 'scaledPad', 'pooled'),
    after: fc.boolean(),
    seed: seedArb,
  })
  .map((r) => {
    const groups = r.cin % r.groups === 0 && r.mid % r.groups === 0 ? r.groups : 1;
    let seed = r.seed;
    const next = (): number => seed++;
    const pointwise = (): Expr =>
      conv(
        makeConv({
          shape: [r.mid, r.cin / groups, 1, 1],
          weight: values((r.mid * r.cin) / groups, next()),
          bias: values(r.mid, next()),
          stride: r.stride,
          groups,
        }),
      );
    const first: Expr[] = [pointwise()];
    if (r.firstForm === 'batchNorm') first.push(batchNorm(randomBatchNorm(r.mid, next())));
    if (r.firstForm === 'sum') first[0] = sum(pointwise(), pointwise());
    // Padded with the 1x1's output of zero, its bias (DBB's pad-with-bias layer).
    if (r.firstForm === 'padded' && first[0].kind === 'conv')
      first.push(pad(1, first[0].conv.bias));
    // A depthwise 1x1 that pads (not channelwise): a separable first stage with factors.
    if (r.firstForm === 'scaledPad' && first[0].kind === 'conv') {
      first[0] = conv({ ...first[0].conv, bias: new Float64Array(r.mid) });
      first.push(
        conv(
          makeConv({
            shape: [r.mid, 1, 1, 1],
            weight: values(r.mid, next()),
            bias: values(r.mid, next()),
            padding: 1,
            groups: r.mid,
          }),
        ),
      );
    }
    // A separable first stage with more than one tap: the next depthwise stage falls back.
    if (r.firstForm === 'pooled') first.push(avgPool({ channels: r.mid, kernel: 2, stride: 1 }));
    const out = r.second === 'multiplier' ? 2 * r.mid : r.mid;
    const k = r.k;
    const second =
      r.second === 'avgPool'
        ? avgPool({ channels: r.mid, kernel: k, stride: 1 })
        : conv(
            makeConv({
              shape: [out, r.second === 'dense' ? r.mid : 1, k, k],
              weight: values(out * (r.second === 'dense' ? r.mid : 1) * k * k, next()),
              bias: values(out, next()),
              dilation: r.dilation,
              groups: r.second === 'dense' ? 1 : r.mid,
            }),
          );
    // A batch-norm inside the second stage: the composite takes its scale as row factors.
    const last = r.after ? sequence(second, batchNorm(randomBatchNorm(out, next()))) : second;
    return { expr: sequence(...first, last), cin: r.cin };
  })
  .chain((b) => fc.tuple(fc.constant(b.expr), inputArb(b.cin)));

describe('separable and in-place composition', () => {
  it('collapse matches the float64 evaluation (1e-10 in float64, 1e-5 in float32)', () => {
    fc.assert(
      fc.property(blockArb, ([expr, x]) => {
        const want = evaluate(expr, x);
        expectClose(conv2dReference(x, collapse(expr, { precision: 'float64' })), want, 1e-10);
        expectClose(conv2dReference(x, collapse(expr)), want, 1e-5);
      }),
      { numRuns: 150 },
    );
  });

  it("keeps DBB's 1x1 -> pad -> average pool as one separable part with the pool's factors", () => {
    const first = makeConv({ shape: [4, 3, 1, 1], weight: values(12, 3), bias: values(4, 4) });
    const composite = composeFillConvs(
      toFillConv(first),
      toFillConv({
        shape: [4, 1, 3, 3],
        geometry: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 4 },
        weight: new Float64Array(36).fill(1 / 9),
        bias: new Float64Array(4),
      }),
      'test',
      jsMatrixProduct,
    );
    expect(composite.parts).toHaveLength(1);
    const [part] = composite.parts;
    expect(part.conv.weight).toBe(first.weight);
    expect(Array.from(part.separable?.tapFactors ?? [])).toEqual(new Array(36).fill(1 / 9));
  });
});
