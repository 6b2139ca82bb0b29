import { NotEquivalentError } from '../errors.js';
import { gcd } from './math.js';

/**
 * The sliding window of a conv along one axis: output q reads input positions
 * `stride*q + first + j*dilation` for taps j = 0..taps-1, where `first = -padBefore`.
 * `reach = padBefore + padAfter - (taps-1)*dilation` fixes the output length
 * `floor((size + reach - 1) / stride) + 1` for every input size.
 */
export interface AxisWindow {
  readonly stride: number;
  readonly taps: number;
  readonly dilation: number;
  readonly padBefore: number;
  readonly padAfter: number;
}

export const extentOf = (w: AxisWindow): number => (w.taps - 1) * w.dilation;
export const reachOf = (w: AxisWindow): number => w.padBefore + w.padAfter - extentOf(w);

/**
 * The smallest window that holds every given window's taps on one grid (additivity needs the
 * same sliding windows: equal stride and reach). With `nonNegative`, the result is widened with
 * zero taps so that no padding is negative (a crop becomes kernel taps that read nothing).
 * With `inputLength`, windows need equal output lengths at that input length only.
 */
export function commonWindow(
  windows: readonly AxisWindow[],
  rule: string,
  axis: string,
  nonNegative = false,
  inputLength?: number,
): AxisWindow {
  const stride = windows[0].stride;
  // At a known input length, branches agree when their output lengths do; padding after the
  // last window is then only read by taps that are zero in the other branches.
  const lengthAt = (w: AxisWindow) =>
    Math.floor(((inputLength ?? 0) + reachOf(w) - 1) / w.stride) + 1;
  const reach = inputLength === undefined ? reachOf(windows[0]) : Math.max(...windows.map(reachOf));
  windows.forEach((w, i) => {
    if (w.stride !== stride) {
      throw new NotEquivalentError(
        rule,
        `branch ${i} has ${axis} stride ${w.stride}, branch 0 has ${stride}; the branches must share the stride`,
      );
    }
    if (inputLength !== undefined ? lengthAt(w) !== lengthAt(windows[0]) : reachOf(w) !== reach) {
      throw new NotEquivalentError(
        rule,
        `branch ${i} has ${axis} padding ${w.padBefore}+${w.padAfter} for a kernel extent of ${extentOf(w)}, branch 0 has ${windows[0].padBefore}+${windows[0].padAfter} for ${extentOf(windows[0])}: their outputs differ in size${inputLength === undefined ? '' : ` at input length ${inputLength}`}; pad each branch by (extent)/2 more or less to match`,
      );
    }
  });
  let first = Math.min(...windows.map((w) => -w.padBefore));
  let last = Math.max(...windows.map((w) => -w.padBefore + extentOf(w)));
  if (nonNegative) {
    first = Math.min(first, 0);
    last = Math.max(last, -reach);
  }
  const grid = [last - first];
  for (const w of windows) {
    if (w.taps > 1) grid.push(w.dilation);
    grid.push(-w.padBefore - first);
  }
  const dilation = gcd(...grid) || 1;
  const taps = (last - first) / dilation + 1;
  return {
    stride,
    taps,
    dilation,
    padBefore: -first,
    padAfter: reach + (taps - 1) * dilation + first,
  };
}
