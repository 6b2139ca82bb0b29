import { NotEquivalentError, ShapeError } from '../errors.js';
import { fmt } from '../geometry.js';
import { describeFill, sameValues } from './fill.js';
import { type FillConv, padsInput } from './fill-conv.js';
import { gcd } from './math.js';

/**
 * Sequential composition (III, generalised): `second(first(x))` as one conv. Along each axis the
 * composite reads `x[sA*sB*q + sA*dB*v + dA*u - (pA + sA*pB)]`, so its stride is `sA*sB`, its
 * taps lie on the grid `gcd(sA*dB, dA)` and its padding is `pA + sA*pB` on each side.
 * Exact when every position the second conv pads is a value the first conv would produce there:
 * the second conv does not pad, or the first is 1 tap wide along that axis, does not crop, and
 * the padding holds its bias (DBB's pad-with-bias). Groups combine to `gcd(gA, gB)`.
 */
export function composeFillConvs(first: FillConv, second: FillConv, rule: string): FillConv {
  const [mid, inA, khA, kwA] = first.shape;
  const [outC, inB, khB, kwB] = second.shape;
  const gA = first.geometry.groups;
  const gB = second.geometry.groups;
  if (inB * gB !== mid) {
    throw new ShapeError(`${rule}: the second stage reads ${inB * gB} channels, the first stage makes ${mid}`);
  }
  checkPaddedBorder(first, second, rule);
  const fill = padsInput(first) ? first.fill : undefined;
  if (fill !== undefined && padsInput(second)) {
    throw new NotEquivalentError(rule, `both stages pad, and the first pads with ${describeFill(fill)}; pad once, or with zeros`);
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
  const cin = inA * gA;
  const inPerGroup = cin / groups;
  const weight = new Float64Array(outC * inPerGroup * kh * kw);
  const bias = Float64Array.from(second.bias);
  const outPerGroupB = outC / gB;
  const midPerGroupA = mid / gA;
  const outPerGroup = outC / groups;
  const a = first.weight;
  const b = second.weight;
  for (let o = 0; o < outC; o++) {
    const firstMid = Math.floor(o / outPerGroupB) * inB;
    const firstIn = Math.floor(o / outPerGroup) * inPerGroup;
    for (let jl = 0; jl < inB; jl++) {
      const j = firstMid + jl;
      const inBaseA = Math.floor(j / midPerGroupA) * inA - firstIn;
      for (let vh = 0; vh < khB; vh++) {
        for (let vw = 0; vw < kwB; vw++) {
          const coeff = b[((o * inB + jl) * khB + vh) * kwB + vw];
          if (coeff === 0) continue;
          bias[o] += coeff * first.bias[j];
          for (let il = 0; il < inA; il++) {
            const dst = (o * inPerGroup + inBaseA + il) * kh * kw;
            const src = (j * inA + il) * khA * kwA;
            for (let uh = 0; uh < khA; uh++) {
              const row = dst + ((uh * dAh + vh * sAh * dBh) / dh) * kw;
              for (let uw = 0; uw < kwA; uw++) {
                weight[row + (uw * dAw + vw * sAw * dBw) / dw] += coeff * a[src + uh * kwA + uw];
              }
            }
          }
        }
      }
    }
  }
  const pA = first.geometry.padding;
  const pB = second.geometry.padding;
  return {
    shape: [outC, inPerGroup, kh, kw],
    weight,
    bias,
    fill,
    geometry: {
      stride: [sAh * sBh, sAw * sBw],
      padding: [pA[0] + sAh * pB[0], pA[1] + sAw * pB[1], pA[2] + sAh * pB[2], pA[3] + sAw * pB[3]],
      dilation: [dh, dw],
      groups,
    },
  };
}

const SIDES = ['top', 'left', 'bottom', 'right'];

function checkPaddedBorder(first: FillConv, second: FillConv, rule: string): void {
  const pB = second.geometry.padding;
  const pA = first.geometry.padding;
  if (!pB.some((p) => p > 0)) return;
  pB.forEach((p, side) => {
    if (p <= 0) return;
    const taps = side % 2 === 0 ? first.shape[2] : first.shape[3];
    if (taps !== 1) {
      throw new NotEquivalentError(
        rule,
        `the second stage pads ${SIDES[side]} by ${p}, but the first stage is ${first.shape[2]}x${first.shape[3]}: a padded border is not what the first stage computes there; only a 1-tap-wide first stage composes across padding (or pad the first stage instead)`,
      );
    }
    if (pA[side] < 0 || (first.fill !== undefined && pA[side] > 0)) {
      throw new NotEquivalentError(rule, `the second stage pads ${SIDES[side]} by ${p} after a first stage with padding ${fmt(pA)}${first.fill ? ' and a pad value' : ''}; the border values would differ`);
    }
  });
  const mid = first.shape[0];
  if (!sameValues(second.fill, first.bias, mid)) {
    throw new NotEquivalentError(
      rule,
      `the intermediate is padded with ${describeFill(second.fill)} but the first stage outputs its bias ${describeFill(first.bias)} there; pad with the first stage's bias (DBB's pad-with-bias layer) or use a first stage without bias`,
    );
  }
}
