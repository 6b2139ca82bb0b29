import fc from 'fast-check';
import { collapse } from '../collapse.js';
import { makeConv } from '../conv.js';
import { conv2dReference } from '../conv2d-reference.js';
import { evaluate } from '../evaluate.js';
import { conv, pad, sequence } from '../expr.js';
import type { MatrixProduct, MatrixView } from '../product.js';
import { composeConvs } from '../rules/compose-convs.js';
import { expectClose, ToleranceError } from './assertions.js';
import { convArb, inputArb, seedArb, type Spec, values } from './arbitraries.js';
import { UNIVERSAL_LAW_SEED, universalCaseArb } from './universal-law.js';

/**
 * The laws every {@link MatrixProduct} must keep, framework-free (they throw; any test runner
 * reports it): core's tests run them against its JavaScript product, `@reparam/wasm`'s against
 * its SIMD one. Tolerances follow the product's precision: 1e-10 x max|y| for float64, the
 * universal law's float32 tolerance 1e-5 x max|y| for float32.
 */
const tolerance = (p: MatrixProduct): number => (p.precision === 'float64' ? 1e-10 : 1e-5);

/** Options of the product laws: how many random cases, from which seed. */
export interface LawRuns {
  runs?: number;
  seed?: number;
}

/** `c += a · b` on random strided views equals the float64 sum of products, and `c` is added to. */
export function checkProductLaw(
  product: MatrixProduct,
  { runs = 60, seed = 91 }: LawRuns = {},
): void {
  const caseArb = fc.record({
    m: fc.integer({ min: 1, max: 13 }),
    k: fc.integer({ min: 1, max: 300 }),
    n: fc.integer({ min: 1, max: 13 }),
    transposeA: fc.boolean(),
    gap: fc.integer({ min: 0, max: 3 }),
    seed: seedArb,
  });
  fc.assert(
    fc.property(caseArb, ({ m, k, n, transposeA, gap, seed: s }) => {
      // a stored transposed (column-major) with `gap` unused values between rows or columns.
      const lead = (transposeA ? m : k) + gap;
      const aData = values(lead * (transposeA ? k : m) + 1, s).map(Math.fround);
      const a: MatrixView = transposeA
        ? { data: aData, offset: 1, rows: m, cols: k, rowStride: 1, colStride: lead }
        : { data: aData, offset: 1, rows: m, cols: k, rowStride: lead, colStride: 1 };
      const b: MatrixView = {
        data: new Float32Array(values(k * n * 2, s + 1)),
        offset: 0,
        rows: k,
        cols: n,
        rowStride: n * 2,
        colStride: 2,
      };
      const start = values(m * n * 3, s + 2);
      const c: MatrixView<Float64Array> = {
        data: Float64Array.from(start),
        offset: 0,
        rows: m,
        cols: n,
        rowStride: n * 3,
        colStride: 3,
      };
      product.multiplyAdd(a, b, c);
      const expected = Float64Array.from(start);
      for (let r = 0; r < m; r++)
        for (let j = 0; j < n; j++) {
          let total = 0;
          for (let q = 0; q < k; q++)
            total +=
              a.data[a.offset + r * a.rowStride + q * a.colStride] *
              b.data[q * b.rowStride + j * b.colStride];
          expected[r * c.rowStride + j * c.colStride] += total;
        }
      expectClose(c.data, expected, tolerance(product));
    }),
    { seed, numRuns: runs },
  );
}

/**
 * The universal law with `product` injected: `referenceConv(x, collapse(e))` equals
 * `evaluate(e, x)` for random expressions (float32 results, or float64 with a float64 product).
 */
export function checkUniversalLawWith(
  product: MatrixProduct,
  { runs = 150, seed = UNIVERSAL_LAW_SEED }: LawRuns = {},
): void {
  const precision = product.precision;
  fc.assert(
    fc.property(universalCaseArb, ([node, x]) => {
      const merged = collapse(node.expr, { product, precision, inChannels: node.spec.cin });
      expectClose(conv2dReference(x, merged), evaluate(node.expr, x), tolerance(product));
    }),
    { seed, numRuns: runs },
  );
}

/**
 * Composition (III) with `product` injected: the composite of any two convs runs like both
 * (any strides, dilations, groups), and DBB's 1x1 -> pad-with-bias -> KxK runs like its structure.
 */
export function checkCompositionLawWith(
  product: MatrixProduct,
  { runs = 80, seed = 93 }: LawRuns = {},
): void {
  const pairArb = fc
    .record({
      cin: fc.integer({ min: 1, max: 9 }),
      mid: fc.integer({ min: 1, max: 9 }),
      cout: fc.integer({ min: 1, max: 9 }),
      s1: fc.constantFrom(1, 2),
      r1: fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 })),
      r2: fc.tuple(fc.integer({ min: -2, max: 0 }), fc.integer({ min: -2, max: 0 })),
    })
    .chain(({ cin, mid, cout, s1, r1, r2 }) => {
      const first: Spec = { cin, cout: mid, stride: s1, reach: r1 };
      const second: Spec = { cin: mid, cout, stride: 1, reach: r2 };
      return fc.tuple(convArb(first), convArb(second, { cropOnly: true }), inputArb(cin));
    });
  fc.assert(
    fc.property(pairArb, ([a, b, x]) => {
      const both = conv2dReference(conv2dReference(x, a), b);
      expectClose(conv2dReference(x, composeConvs(a, b, { product })), both, tolerance(product));
    }),
    { seed, numRuns: runs },
  );
  const dbbArb = fc.record({
    cin: fc.integer({ min: 2, max: 12 }),
    mid: fc.integer({ min: 2, max: 12 }),
    cout: fc.integer({ min: 1, max: 12 }),
    seed: seedArb,
  });
  fc.assert(
    fc.property(dbbArb, ({ cin, mid, cout, seed: s }) => {
      const first = makeConv({
        shape: [mid, cin, 1, 1],
        weight: values(mid * cin, s),
        bias: values(mid, s + 1),
      });
      const weight = values(9 * cout * mid, s + 2);
      const second = makeConv({ shape: [cout, mid, 3, 3], weight });
      const padded = makeConv({ shape: [cout, mid, 3, 3], weight, padding: 1 });
      const x = { shape: [1, cin, 7, 6] as const, data: values(42 * cin, s + 3) };
      const merged = composeConvs(first, padded, { intermediateFill: first.bias, product });
      const structure = sequence(conv(first), pad(1, first.bias), conv(second));
      expectClose(conv2dReference(x, merged), evaluate(structure, x), tolerance(product));
    }),
    { seed: seed + 1, numRuns: runs },
  );
}

/**
 * A float32 product computed naively (operands and running sums rounded to float32): what a
 * SIMD float32 product does, up to summation order. Core's tests inject it to exercise the
 * float32 path without WebAssembly.
 */
export const naiveFloat32Product: MatrixProduct = {
  precision: 'float32',
  multiplyAdd(a, b, c) {
    if (a.cols !== b.rows) throw new ToleranceError('naiveFloat32Product: shapes do not fit');
    for (let r = 0; r < a.rows; r++)
      for (let j = 0; j < b.cols; j++) {
        let total = 0;
        for (let q = 0; q < a.cols; q++) {
          const x = Math.fround(a.data[a.offset + r * a.rowStride + q * a.colStride]);
          const y = Math.fround(b.data[b.offset + q * b.rowStride + j * b.colStride]);
          total = Math.fround(total + Math.fround(x * y));
        }
        c.data[c.offset + r * c.rowStride + j * c.colStride] += total;
      }
  },
};
