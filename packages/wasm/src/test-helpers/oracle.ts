import { conv2dReference, maxAbs, maxAbsDiff, type Conv, type Tensor } from '@reparam/core';

/** Oracle: core's float64 conv, then ReLU if asked. */
export function referenceOutput(input: Tensor, conv: Conv, relu: boolean): Float64Array {
  const y = conv2dReference(input, conv).data;
  if (relu) for (let i = 0; i < y.length; i++) y[i] = Math.max(0, y[i]);
  return y;
}

/** max |got - want| / max |want| (0 when both are all zeros). */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  const scale = maxAbs(want);
  const diff = maxAbsDiff(got, want);
  return scale === 0 ? diff : diff / scale;
}
