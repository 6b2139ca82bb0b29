import { describe, expect, it } from 'vitest';
import { collapse } from './collapse.js';
import { makeConv } from './conv.js';
import { costOf } from './cost.js';
import { NotEquivalentError, ShapeError } from './errors.js';
import { evaluate } from './evaluate.js';
import { conv, identity, scale, sequence, type Expr } from './expr.js';

const scale1 = () => scale(Float64Array.of(1, 1));

describe('core against hostile input', () => {
  it('a sequence nested 20,000 deep is a named ShapeError in collapse, evaluate and costOf, not a stack overflow', () => {
    let e: Expr = scale1();
    for (let k = 0; k < 20_000; k++) e = sequence(e, identity(2));
    const x = { shape: [1, 2, 2, 2] as const, data: new Float64Array(8) };
    expect(() => collapse(e)).toThrow(ShapeError);
    expect(() => collapse(e)).toThrow(/nests .* more than 1000 deep/);
    expect(() => evaluate(e, x)).toThrow(ShapeError);
    expect(() => costOf(e, [1, 2, 2, 2])).toThrow(ShapeError);
  });

  it('composing weights near 1e30 does not overflow float32 to Infinity silently', () => {
    const big = (v: number) => conv(makeConv({ shape: [1, 1, 1, 1], weight: [v], bias: [0] }));
    const e = sequence(big(1e30), big(1e30)); // 1e60: fine in float64, Infinity in float32
    expect(() => collapse(e)).toThrow(NotEquivalentError);
    expect(() => collapse(e)).toThrow(
      /merged weight\[0\] is Infinity: 1\.000e\+60 overflows float32/,
    );
    expect(collapse(e, { precision: 'float64' }).weight[0]).toBeCloseTo(1e60, -50);
    expect(() => collapse(sequence(big(1e200), big(1e200)), { precision: 'float64' })).toThrow(
      /is Infinity: the block has infinite or NaN weights/,
    );
  });

  it('evaluate refuses data whose length does not match its shape', () => {
    const e = scale1();
    expect(() => evaluate(e, { shape: [1, 2, 2, 2], data: new Float64Array(7) })).toThrow(
      /evaluate: input data has 7 entries, its shape \[1, 2, 2, 2\] needs 8/,
    );
    expect(() =>
      evaluate(e, { shape: [1, 2, 2] as unknown as [1, 2, 2, 2], data: new Float64Array(4) }),
    ).toThrow(ShapeError);
  });

  it('makeConv refuses non-numeric weights and biases', () => {
    const weight = [1, 'a', 3, 4] as unknown as number[];
    expect(() => makeConv({ shape: [1, 1, 2, 2], weight })).toThrow(
      /makeConv: weight\[1\] is 'a' \(string\), not a number/,
    );
    expect(() =>
      makeConv({ shape: [1, 1, 1, 1], weight: [1], bias: [undefined] as unknown as number[] }),
    ).toThrow(/bias\[0\] is undefined/);
  });
});
