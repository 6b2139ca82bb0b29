import type { Conv } from '../types.js';
import type { AxisWindow } from './window.js';

/**
 * A conv in float64 whose input padding holds `fill[c]` for input channel `c` (zeros when
 * `fill` is undefined): the internal form `collapse` works in, so that DBB's pad-with-bias
 * stages compose exactly.
 */
export interface FillConv extends Conv {
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly fill?: Float64Array;
}

export function windowsOf(c: Conv): [AxisWindow, AxisWindow] {
  const { stride, padding, dilation } = c.geometry;
  return [
    {
      stride: stride[0],
      taps: c.shape[2],
      dilation: dilation[0],
      padBefore: padding[0],
      padAfter: padding[2],
    },
    {
      stride: stride[1],
      taps: c.shape[3],
      dilation: dilation[1],
      padBefore: padding[1],
      padAfter: padding[3],
    },
  ];
}

/** Whether any side of the conv's padding adds positions (reads fill values). */
export const padsInput = (c: Conv): boolean => c.geometry.padding.some((p) => p > 0);

export function toFillConv(c: Conv, fill?: Float64Array): FillConv {
  return {
    shape: c.shape,
    geometry: c.geometry,
    weight: c.weight instanceof Float64Array ? c.weight : new Float64Array(c.weight),
    bias: c.bias instanceof Float64Array ? c.bias : new Float64Array(c.bias),
    fill,
  };
}

/** The plain conv, once the caller has checked that its pad value does not matter. */
export function withoutFill(c: FillConv): Conv & { weight: Float64Array; bias: Float64Array } {
  return { shape: c.shape, weight: c.weight, bias: c.bias, geometry: c.geometry };
}
