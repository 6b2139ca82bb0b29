import fc from 'fast-check';
import { makeConv } from '../conv.js';
import {
  avgPool,
  batchNorm,
  concat,
  conv,
  identity,
  pad,
  scale,
  sequence,
  sum,
  type Expr,
} from '../expr.js';
import { seededRandom } from '../tensor.js';
import type { BatchNorm, Conv, Padding4, Tensor } from '../types.js';
import { gcd } from '../_internal/math.js';

/** Seeded values in [-1, 1): large weight arrays without fast-check's per-element cost. */
export function values(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const next = seededRandom(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * next());
}

/** Non-identity batch-norm statistics, as the papers' own checks use. */
export function randomBatchNorm(channels: number, seed: number): BatchNorm {
  return {
    gamma: values(channels, seed, 0.5, 1.5).map((g, i) => (i % 3 === 2 ? -g : g)),
    beta: values(channels, seed + 1),
    mean: values(channels, seed + 2),
    variance: values(channels, seed + 3, 0.3, 2),
    epsilon: 1e-5,
  };
}

export const seedArb = fc.integer({ min: 1, max: 2 ** 30 });
export const batchNormArb = (channels: number): fc.Arbitrary<BatchNorm> =>
  seedArb.map((s) => randomBatchNorm(channels, s));

/** Divisors of n. */
export const divisors = (n: number): number[] =>
  Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

/** Splits `total` into two paddings, either sign allowed (negative = crop). */
const splitArb = (total: number): fc.Arbitrary<[number, number]> =>
  fc.integer({ min: Math.min(0, total), max: Math.max(0, total) }).map((a) => [a, total - a]);

/** What a generated node computes: its channels and the window it must have. */
export interface Spec {
  cin: number;
  cout: number;
  stride: number;
  /** Per axis, `padBefore + padAfter - dilation*(k-1)`: fixes the output size. */
  reach: [number, number];
}

export interface Node {
  expr: Expr;
  spec: Spec;
}

const kernelArb = fc.constantFrom(1, 3, 5);

/** Taps, dilation and padding split along one axis for a given reach; `cropOnly` forbids positive padding. */
function axisArb(
  reach: number,
  cropOnly: boolean,
): fc.Arbitrary<{ k: number; d: number; before: number; after: number }> {
  const choices = [1, 3, 5]
    .flatMap((k) => [1, 2].map((d) => ({ k, d })))
    .filter(({ k, d }) => !cropOnly || (k - 1) * d <= -reach);
  return fc.constantFrom(...choices).chain(({ k, d }) => {
    const total = reach + (k - 1) * d;
    const split = cropOnly
      ? fc.integer({ min: total, max: 0 }).map((a): [number, number] => [a, total - a])
      : splitArb(total);
    return split.map(([before, after]) => ({ k, d, before, after }));
  });
}

/** A conv of the given window with random kernel sizes, dilation, groups, padding split and bias. */
export function convArb(spec: Spec, options: { cropOnly?: boolean } = {}): fc.Arbitrary<Conv> {
  const cropOnly = options.cropOnly ?? false;
  return fc
    .record({
      rows: axisArb(spec.reach[0], cropOnly),
      cols: axisArb(spec.reach[1], cropOnly),
      groups: fc.constantFrom(...divisors(gcd(spec.cin, spec.cout))),
      seed: seedArb,
      withBias: fc.boolean(),
    })
    .map(({ rows, cols, groups, seed, withBias }) =>
      makeConv({
        shape: [spec.cout, spec.cin / groups, rows.k, cols.k],
        weight: values((spec.cout * spec.cin * rows.k * cols.k) / groups, seed),
        bias: withBias ? values(spec.cout, seed + 7) : undefined,
        stride: spec.stride,
        dilation: [rows.d, cols.d],
        groups,
        padding: [rows.before, cols.before, rows.after, cols.after],
      }),
    );
}

const sameShape = (s: Spec) => s.cin === s.cout && s.stride === 1;

/**
 * A batch-norm, identity or scale, after a pad that gives the window its reach: the channel-wise
 * nodes of RepVGG-style blocks, on any same-shape window.
 */
function channelwiseArb(spec: Spec): fc.Arbitrary<Expr> {
  const node = fc.oneof(
    batchNormArb(spec.cin).map(batchNorm),
    fc.constant(identity(spec.cin)),
    seedArb.map((s) => scale(values(spec.cin, s))),
  );
  if (spec.reach[0] === 0 && spec.reach[1] === 0) return node;
  return fc
    .tuple(splitArb(spec.reach[0]), splitArb(spec.reach[1]), node)
    .map(([[t, b], [l, r], n]) => sequence(pad([t, l, b, r]), n));
}

function leafArb(spec: Spec): fc.Arbitrary<Node> {
  const options: fc.Arbitrary<Expr>[] = [convArb(spec).map(conv)];
  if (sameShape(spec)) options.push(channelwiseArb(spec));
  if (spec.cin === spec.cout && spec.reach.every((e) => e >= -4)) {
    options.push(
      fc.record({ kh: kernelArb, kw: kernelArb }).chain(({ kh, kw }) => {
        const th = spec.reach[0] + kh - 1;
        const tw = spec.reach[1] + kw - 1;
        if (th < 0 || tw < 0) return convArb(spec).map(conv);
        return fc.tuple(splitArb(th), splitArb(tw)).map(([[t, b], [l, r]]) =>
          avgPool({
            channels: spec.cin,
            kernel: [kh, kw],
            stride: spec.stride,
            padding: [t, l, b, r],
          }),
        );
      }),
    );
  }
  if (sameShape(spec)) {
    options.push(
      fc
        .tuple(splitArb(spec.reach[0]), splitArb(spec.reach[1]))
        .map(([[t, b], [l, r]]) => pad([t, l, b, r])),
    );
  }
  return fc.oneof(...options).map((expr) => ({ expr, spec }));
}

const reachArb = fc.integer({ min: -2, max: 2 });
const channelsArb = fc.integer({ min: 1, max: 8 });

/** A sequence of two stages that is exact by construction. */
function sequenceArb(spec: Spec, depth: number): fc.Arbitrary<Node> {
  const cropReach = fc.integer({ min: -2, max: 0 });
  return fc
    .record({
      mid: channelsArb,
      firstStride: fc.constantFrom(...divisors(spec.stride)),
      rh: cropReach,
      rw: cropReach,
      form: fc.constantFrom('crop', 'padWithBias', 'channelwise'),
    })
    .chain(({ mid, firstStride, rh, rw, form }): fc.Arbitrary<Node> => {
      const secondStride = spec.stride / firstStride;
      if (form === 'channelwise') {
        // Anything, then a batch-norm on its output.
        return fc
          .tuple(exprArb(spec, depth - 1), batchNormArb(spec.cout))
          .map(([a, bn]) => ({ expr: sequence(a.expr, batchNorm(bn)), spec }));
      }
      if (form === 'padWithBias') {
        // DBB: a biased 1x1, its border padded with its bias, then a conv that reads no padding.
        if (spec.reach.some((e) => e % firstStride !== 0)) return exprArb(spec, depth - 1);
        const r = spec.reach.map((e) => e / firstStride);
        const p = r.map((e) => Math.max(0, Math.ceil(e / 2)));
        const second: Spec = {
          cin: mid,
          cout: spec.cout,
          stride: secondStride,
          reach: [r[0] - 2 * p[0], r[1] - 2 * p[1]],
        };
        return fc.tuple(seedArb, convArb(second, { cropOnly: true })).map(([seed, b]) => {
          const bias = values(mid, seed);
          const pointwise = makeConv({
            shape: [mid, spec.cin, 1, 1],
            weight: values(mid * spec.cin, seed + 1),
            bias,
            stride: firstStride,
          });
          return {
            expr: sequence(conv(pointwise), pad([p[0], p[1], p[0], p[1]], bias), conv(b)),
            spec,
          };
        });
      }
      // A stage of any kind, then a conv that only crops (reads no padding).
      const first: Spec = {
        cin: spec.cin,
        cout: mid,
        stride: firstStride,
        reach: [spec.reach[0] - firstStride * rh, spec.reach[1] - firstStride * rw],
      };
      const second: Spec = { cin: mid, cout: spec.cout, stride: secondStride, reach: [rh, rw] };
      return fc
        .tuple(exprArb(first, depth - 1), convArb(second, { cropOnly: true }))
        .map(([a, b]) => ({ expr: sequence(a.expr, conv(b)), spec }));
    });
}

/**
 * A random well-formed expression that collapses exactly: branches share their window, and
 * sequences only compose across padding the way DBB does.
 */
export function exprArb(spec: Spec, depth: number): fc.Arbitrary<Node> {
  if (depth <= 0) return leafArb(spec);
  const sumArb = fc
    .array(fc.constant(null), { minLength: 2, maxLength: 4 })
    .chain((terms) =>
      fc
        .tuple(...terms.map(() => exprArb(spec, depth - 1)))
        .map((nodes) => ({ expr: sum(...nodes.map((n) => n.expr)), spec })),
    );
  const concatArb =
    spec.cout < 2
      ? leafArb(spec)
      : fc
          .integer({ min: 1, max: spec.cout - 1 })
          .chain((first) =>
            fc
              .tuple(
                exprArb({ ...spec, cout: first }, depth - 1),
                exprArb({ ...spec, cout: spec.cout - first }, depth - 1),
              )
              .map(([a, b]) => ({ expr: concat(a.expr, b.expr), spec })),
          );
  return fc.oneof(
    { weight: 2, arbitrary: leafArb(spec) },
    { weight: 3, arbitrary: sumArb },
    { weight: 2, arbitrary: sequenceArb(spec, depth) },
    { weight: 1, arbitrary: concatArb },
  );
}

/**
 * A top-level spec: channels 1-8, stride 1-2, reach in [-2, 2]; half of them keep the channel
 * count at stride 1, as RepVGG-style blocks do, so that identity, scale and batch-norm leaves
 * (which need that shape) are reached often (see collapse-reach.test.ts).
 */
export const specArb: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({
    cin: channelsArb,
    cout: channelsArb,
    stride: fc.constantFrom(1, 2),
    reach: fc.tuple(reachArb, reachArb),
  }),
  fc
    .record({ cin: channelsArb, reach: fc.tuple(reachArb, reachArb) })
    .map(({ cin, reach }) => ({ cin, cout: cin, stride: 1, reach })),
);

/** An input large enough for any generated expression. */
export const inputArb = (channels: number): fc.Arbitrary<Tensor> =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 12, max: 15 }),
      w: fc.integer({ min: 12, max: 15 }),
      seed: seedArb,
    })
    .map(({ n, h, w, seed }) => ({
      shape: [n, channels, h, w],
      data: values(n * channels * h * w, seed),
    }));

export type { Padding4 };
