import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { BatchNormVars } from './batch-norm-vars.js';
import { branchNorm } from './branch-norm.js';
import { randomFloats, scaledErr, useBackend } from '../../test-helpers/backends.js';

/** Fresh variables with seeded non-identity values (variances in [0.5, 2]). */
function vars(t: number, seed: number): BatchNormVars {
  const v = (values: Float32Array, trainable: boolean): tf.LayerVariable =>
    new tf.LayerVariable(tf.tensor1d(values), 'float32', undefined, trainable);
  return new BatchNormVars(
    v(
      randomFloats(t, seed).map((x) => 1 + 0.5 * x),
      true,
    ),
    v(randomFloats(t, seed + 1), true),
    v(randomFloats(t, seed + 2), false),
    v(
      randomFloats(t, seed + 3).map((x) => 1.25 + 0.75 * x),
      false,
    ),
  );
}

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 5 }),
  w: fc.integer({ min: 1, max: 5 }),
  o: fc.constantFrom(1, 2, 4),
  /** Inputs as [branches, stride divisor] (stride = O / divisor where it divides). */
  layouts: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom(1, 2, 4)), {
    minLength: 1,
    maxLength: 3,
  }),
  pad: fc.integer({ min: 0, max: 2 }),
  training: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1 << 20 }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** Output, gradients (inputs, gamma, beta) and running statistics after one call. */
function run(c: Case, composite: boolean): Float32Array[] {
  const layouts = c.layouts.map(([branches, d]) => ({
    branches,
    stride: c.o % d === 0 ? c.o / d : c.o,
  }));
  const t = layouts.reduce((s, l) => s + l.branches * c.o, 0);
  const xs = layouts.map((l, i) =>
    tf.tensor4d(
      randomFloats(c.n * c.h * c.w * l.branches * c.o, c.seed + 10 * i).map((v) => 3 * v + 1),
      [c.n, c.h, c.w, l.branches * c.o],
    ),
  );
  const bn = vars(t, c.seed + 100);
  const opts = { training: c.training, momentum: 0.9, epsilon: 1e-3, pad: c.pad };
  const inputs = (x: tf.Tensor4D[]) => x.map((xi, i) => ({ x: xi, ...layouts[i] }));
  const probe = (y: tf.Tensor): tf.Tensor =>
    tf.mul(y, tf.tensor(randomFloats(y.size, c.seed + 7), y.shape));
  const loss = (x: tf.Tensor4D[], v: BatchNormVars): tf.Scalar =>
    tf.sum(probe(branchNorm(inputs(x), v, { ...opts, composite })));
  const y = branchNorm(inputs(xs), vars(t, c.seed + 100), { ...opts, composite });
  const { grads } = tf.variableGrads(
    () => loss(xs, bn),
    [bn.gamma.read() as tf.Variable, bn.beta.read() as tf.Variable],
  );
  const dx = tf.grads((...x: tf.Tensor[]) => loss(x as tf.Tensor4D[], vars(t, c.seed + 100)))(xs);
  return [y, ...dx, ...Object.values(grads), bn.mean.read(), bn.variance.read()].map((v) =>
    Float32Array.from(v.dataSync()),
  );
}

describe('branchNorm (ReparamBranchBatchNorm)', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`the fused kernel equals the composite tfjs ops on ${backend}: output, gradients, running statistics`, async () => {
      await useBackend(backend);
      fc.assert(
        fc.property(caseArb, (c) => {
          tf.tidy(() => {
            const got = run(c, false);
            const want = run(c, true);
            expect(got.length).toBe(want.length);
            // Scaled by max(1, max |want|): with few pixels the input gradient cancels to near 0.
            got.forEach((g, i) => expect(scaledErr(g, want[i]), `output ${i}`).toBeLessThan(2e-5));
          });
        }),
        { numRuns: 40, seed: 14 },
      );
    });
  }
});
