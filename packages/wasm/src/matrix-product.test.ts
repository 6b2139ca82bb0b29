import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShapeError } from '@reparam/core';
import {
  checkCompositionLawWith,
  checkProductLaw,
  checkUniversalLawWith,
} from '@reparam/core/testing';
import { WasmConvRuntime } from './conv-runtime.js';
import { wasmMatrixProduct } from './matrix-product.js';

let one: WasmConvRuntime;
let two: WasmConvRuntime;
beforeAll(async () => {
  [one, two] = await Promise.all([
    WasmConvRuntime.create({ threads: 1 }),
    WasmConvRuntime.create({ threads: 2 }),
  ]);
});
afterAll(() => {
  one.dispose();
  two.dispose();
});

describe("wasmMatrixProduct keeps core's product laws (float32 tolerance 1e-5 x max|y|)", () => {
  for (const [name, rt] of [
    ['1 thread', () => one],
    ['2 threads', () => two],
  ] as const) {
    it(`${name}: c += a · b on strided views`, () => {
      checkProductLaw(wasmMatrixProduct(rt()));
    });

    it(`${name}: composition runs like the two convs`, () => {
      checkCompositionLawWith(wasmMatrixProduct(rt()), { runs: 60 });
    });

    it(`${name}: the universal law holds with it injected into collapse`, () => {
      checkUniversalLawWith(wasmMatrixProduct(rt()), { runs: 80 });
    });
  }

  it('is float32 (collapse keeps float64 results to its own product) and refuses shapes that do not fit', () => {
    expect(wasmMatrixProduct(one).precision).toBe('float32');
    const v = {
      data: new Float64Array(6),
      offset: 0,
      rows: 2,
      cols: 3,
      rowStride: 3,
      colStride: 1,
    };
    expect(() => wasmMatrixProduct(one).multiplyAdd(v, v, v)).toThrow(ShapeError);
  });
});
