import type { Composite } from './compose-shape.js';
import { denseWeight } from './dense.js';
import { type FillConv, sameLayout, type WeightPart } from './fill-conv.js';

/**
 * A 1x1 stage then a depthwise stage (one input channel per output, no channel multiplier), as
 * DBB's average-pool branch is (1x1, pad, KxK average pool): the composite weight is
 * `W[o, i, pos(v)] = B[o, v] A[o, i]`, kept as a separable part (the 1x1 rows of A and the
 * factors `B[o, v]` times A's row factor) instead of `out * in * taps` dense values. Undefined
 * when the stages are not of that form or A is not one unsplit part.
 */
export function composeSeparable(
  first: FillConv,
  second: FillConv,
  c: Composite,
  pos: Int32Array,
): WeightPart | undefined {
  const [mid, , khA, kwA] = first.shape;
  const [outC, inB, khB, kwB] = second.shape;
  if (khA * kwA !== 1 || inB !== 1 || outC !== mid || first.parts.length !== 1) return undefined;
  const [a] = first.parts;
  const aTaps = a.separable === undefined ? 1 : a.separable.tapFactors.length / mid;
  const unsplit =
    a.outOffset === 0 &&
    a.tapMajor !== true &&
    aTaps === 1 &&
    (a.separable !== undefined || sameLayout(a.conv, first));
  if (!unsplit) return undefined;
  const tapsB = khB * kwB;
  const taps = c.shape[2] * c.shape[3];
  const b = denseWeight(second);
  const tapFactors = new Float64Array(outC * taps);
  for (let o = 0; o < outC; o++) {
    const factor = (a.rowScale?.[o] ?? 1) * (a.separable?.tapFactors[o] ?? 1);
    for (let v = 0; v < tapsB; v++) tapFactors[o * taps + pos[v]] += b[o * tapsB + v] * factor;
  }
  return {
    conv: a.conv,
    outOffset: 0,
    separable: { window: { shape: c.shape, geometry: c.geometry }, tapFactors },
  };
}
