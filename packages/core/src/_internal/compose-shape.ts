import { NotEquivalentError, ShapeError } from '../errors.js';
import { fmt } from '../geometry.js';
import { type ConvShape, padsInput } from './fill-conv.js';
import { gcd } from './math.js';

/** The composite of sequential composition (III), from shapes alone. */
export interface Composite extends ConvShape {
  /** Tap grid of the composite along each axis. */
  readonly dh: number;
  readonly dw: number;
}

const SIDES = ['top', 'left', 'bottom', 'right'];

/**
 * Shape and geometry of `second(first(x))` as one conv. Along each axis the composite reads
 * `x[sA*sB*q + sA*dB*v + dA*u - (pA + sA*pB)]`, so its stride is `sA*sB`, its taps lie on the
 * grid `gcd(sA*dB, dA)` and its padding is `pA + sA*pB` on each side. Groups combine to
 * `gcd(gA, gB)`. Throws the refusals that shapes alone decide: channel counts, and a padded
 * border that the first stage does not compute (`firstFills`: the first stage pads its own input
 * with values).
 */
export function composeShape(
  first: ConvShape,
  firstFills: boolean,
  second: ConvShape,
  rule: string,
): Composite {
  const [mid, inA, khA, kwA] = first.shape;
  const [outC, inB, khB, kwB] = second.shape;
  const gA = first.geometry.groups;
  const gB = second.geometry.groups;
  if (inB * gB !== mid) {
    throw new ShapeError(
      `${rule}: the second stage reads ${inB * gB} channels, the first stage makes ${mid}`,
    );
  }
  checkBorderShape(first, firstFills, second, rule);
  if (firstFills && padsInput(first) && padsInput(second)) {
    throw new NotEquivalentError(
      rule,
      'both stages pad, and the first pads with values; pad once, or with zeros',
    );
  }
  const [sAh, sAw] = first.geometry.stride;
  const [sBh, sBw] = second.geometry.stride;
  const [dAh, dAw] = first.geometry.dilation;
  const [dBh, dBw] = second.geometry.dilation;
  const dh = gcd(khB > 1 ? sAh * dBh : 0, khA > 1 ? dAh : 0) || 1;
  const dw = gcd(kwB > 1 ? sAw * dBw : 0, kwA > 1 ? dAw : 0) || 1;
  const kh = ((khA - 1) * dAh + (khB - 1) * sAh * dBh) / dh + 1;
  const kw = ((kwA - 1) * dAw + (kwB - 1) * sAw * dBw) / dw + 1;
  const groups = gcd(gA, gB);
  const pA = first.geometry.padding;
  const pB = second.geometry.padding;
  return {
    shape: [outC, (inA * gA) / groups, kh, kw],
    geometry: {
      stride: [sAh * sBh, sAw * sBw],
      padding: [pA[0] + sAh * pB[0], pA[1] + sAw * pB[1], pA[2] + sAh * pB[2], pA[3] + sAw * pB[3]],
      dilation: [dh, dw],
      groups,
    },
    dh,
    dw,
  };
}

/**
 * Composition is exact when every position the second stage pads is a value the first stage
 * computes there: the first stage is one tap wide across each padded side and does not crop
 * or pad it itself. (That the pad value equals the first stage's bias is checked on values.)
 */
function checkBorderShape(
  first: ConvShape,
  firstFills: boolean,
  second: ConvShape,
  rule: string,
): void {
  const pA = first.geometry.padding;
  second.geometry.padding.forEach((p, side) => {
    if (p <= 0) return;
    const taps = side % 2 === 0 ? first.shape[2] : first.shape[3];
    if (taps !== 1) {
      throw new NotEquivalentError(
        rule,
        `the second stage pads ${SIDES[side]} by ${p}, but the first stage is ${first.shape[2]}x${first.shape[3]}: a padded border is not what the first stage computes there; only a 1-tap-wide first stage composes across padding (or pad the first stage instead)`,
      );
    }
    if (pA[side] < 0 || (firstFills && pA[side] > 0)) {
      throw new NotEquivalentError(
        rule,
        `the second stage pads ${SIDES[side]} by ${p} after a first stage with padding ${fmt(pA)}${firstFills ? ' and a pad value' : ''}; the border values would differ`,
      );
    }
  });
}

/** A 1x1, stride-1, unpadded conv that multiplies each channel by a factor (a batch-norm or a scale). */
export function isChannelwise(c: ConvShape): boolean {
  const [out, inPerGroup, kh, kw] = c.shape;
  const g = c.geometry;
  return (
    inPerGroup === 1 &&
    kh === 1 &&
    kw === 1 &&
    g.groups === out &&
    g.stride[0] === 1 &&
    g.stride[1] === 1 &&
    g.padding.every((p) => p === 0)
  );
}
