import { describe, expect, it } from 'vitest';
import { collapse } from './collapse.js';
import { ShapeError } from './errors.js';
import { jsMatrixProduct, type MatrixProduct } from './product.js';
import { dbb } from './recipes/dbb.js';
import {
  convBnWeights,
  checkCompositionLawWith,
  checkProductLaw,
  checkUniversalLawWith,
  naiveFloat32Product,
} from './testing/index.js';

describe('matrix products (the laws every provider keeps; @reparam/wasm runs them on its own)', () => {
  it('jsMatrixProduct adds a · b into c on strided views, to float64 rounding', () => {
    checkProductLaw(jsMatrixProduct);
  });

  it('a naive float32 product keeps the law at float32 tolerance', () => {
    checkProductLaw(naiveFloat32Product);
  });

  it('composition with each product runs like the two convs', () => {
    checkCompositionLawWith(jsMatrixProduct, { runs: 60 });
    checkCompositionLawWith(naiveFloat32Product, { runs: 60 });
  });

  it('the universal law holds with a float32 product injected (float32 results)', () => {
    checkUniversalLawWith(naiveFloat32Product, { runs: 60 });
  });

  it('refuses views that do not fit each other or their arrays', () => {
    const v = (rows: number, cols: number, data = new Float64Array(rows * cols)) => ({
      data,
      offset: 0,
      rows,
      cols,
      rowStride: cols,
      colStride: 1,
    });
    expect(() => jsMatrixProduct.multiplyAdd(v(2, 3), v(4, 2), v(2, 2))).toThrow(ShapeError);
    expect(() => jsMatrixProduct.multiplyAdd(v(2, 3), { ...v(3, 2), offset: 1 }, v(2, 2))).toThrow(
      /reaches past/,
    );
  });

  it('a float32 product is not used for float64 results: they stay float64-exact', () => {
    const refuses: MatrixProduct = {
      precision: 'float32',
      multiplyAdd: () => {
        throw new Error('float32 product used for a float64 result');
      },
    };
    const c = 6;
    const block = dbb({
      inChannels: c,
      outChannels: c,
      kernelSize: 3,
      origin: convBnWeights(9 * c * c, c, 1),
      kxk: { pointwise: convBnWeights(c * c, c, 2), kxk: convBnWeights(9 * c * c, c, 3) },
    });
    const exact = collapse(block, { precision: 'float64' });
    expect(collapse(block, { precision: 'float64', product: refuses }).weight).toEqual(
      exact.weight,
    );
    expect(() => collapse(block, { product: refuses })).toThrow(/float32 product used/);
  });
});
