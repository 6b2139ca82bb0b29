import type { DenseTensor } from '../src/index.js';
import { halfToFloat } from '../src/tensor.js';

/** ONNX's backend-test tolerance for floating outputs (onnx/backend/test/case/node: rtol 1e-3, atol 1e-7). */
export const ONNX_TOLERANCE = { rtol: 1e-3, atol: 1e-7 } as const;

const FLOATS = new Set(['float32', 'float64', 'float16']);

/**
 * Why `actual` is not `expected` by numpy's `assert_allclose` rule (|a - e| <= atol + rtol |e|,
 * NaN equal to NaN) for floating types and exactly for the others, or undefined when it is.
 */
export function notClose(
  expected: DenseTensor,
  actual: DenseTensor,
  tolerance: { rtol: number; atol: number } = ONNX_TOLERANCE,
): string | undefined {
  if (expected.type !== actual.type) return `type ${actual.type}, expected ${expected.type}`;
  if (expected.dims.join('x') !== actual.dims.join('x'))
    return `dims [${actual.dims.join(', ')}], expected [${expected.dims.join(', ')}]`;
  const float = FLOATS.has(expected.type);
  const value = (t: DenseTensor, i: number) =>
    t.type === 'float16' ? halfToFloat(Number(t.data[i])) : Number(t.data[i]);
  for (let i = 0; i < expected.data.length; i++) {
    const e = value(expected, i);
    const a = value(actual, i);
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    const ok = float
      ? Math.abs(a - e) <= tolerance.atol + tolerance.rtol * Math.abs(e) || a === e
      : expected.data[i] === actual.data[i];
    if (!ok) return `element ${i} is ${a}, expected ${e}`;
  }
  return undefined;
}
