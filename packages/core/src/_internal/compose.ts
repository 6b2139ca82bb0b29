import { NotEquivalentError, ShapeError } from '../errors.js';
import { fmt } from '../geometry.js';
import { describeFill, sameValues } from './fill.js';
import { type FillConv, padsInput } from './fill-conv.js';
import { markFresh } from './fresh.js';
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
    throw new ShapeError(
      `${rule}: the second stage reads ${inB * gB} channels, the first stage makes ${mid}`,
    );
  }
  checkPaddedBorder(first, second, rule);
  if (isChannelwise(second)) return scaleOutputs(first, second);
  const fill = padsInput(first) ? first.fill : undefined;
  if (fill !== undefined && padsInput(second)) {
    throw new NotEquivalentError(
      rule,
      `both stages pad, and the first pads with ${describeFill(fill)}; pad once, or with zeros`,
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
  const cin = inA * gA;
  const inPerGroup = cin / groups;
  const { weight, bias } = composeWeights(first, second, { kh, kw, dh, dw, groups });
  const pA = first.geometry.padding;
  const pB = second.geometry.padding;
  return {
    shape: [outC, inPerGroup, kh, kw],
    weight: markFresh(weight),
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
      throw new NotEquivalentError(
        rule,
        `the second stage pads ${SIDES[side]} by ${p} after a first stage with padding ${fmt(pA)}${first.fill ? ' and a pad value' : ''}; the border values would differ`,
      );
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

interface CompositeLayout {
  kh: number;
  kw: number;
  dh: number;
  dw: number;
  groups: number;
}

/**
 * The composite's weight and bias: for each pair of taps (v of the second conv, u of the first),
 * `W[o, i, pos(u, v)] += B[o, j, v] * A[j, i, u]`, a matrix product per tap pair. Taps go outermost
 * so the inner loop runs over contiguous input channels (a tap-major scratch array).
 */
function composeWeights(
  first: FillConv,
  second: FillConv,
  c: CompositeLayout,
): { weight: Float64Array; bias: Float64Array } {
  const [mid, inA, khA, kwA] = first.shape;
  const [outC, inB, khB, kwB] = second.shape;
  const tapsA = khA * kwA;
  const tapsB = khB * kwB;
  const taps = c.kh * c.kw;
  const inPerGroup = (inA * first.geometry.groups) / c.groups;
  const outPerGroupB = outC / second.geometry.groups;
  const midPerGroupA = mid / first.geometry.groups;
  const outPerGroup = outC / c.groups;
  const [sAh, sAw] = first.geometry.stride;
  const [dAh, dAw] = first.geometry.dilation;
  const [dBh, dBw] = second.geometry.dilation;
  // Tap-major copies: a[u][j][i] and scratch[pos][o][i].
  const a = new Float64Array(first.weight.length);
  for (let j = 0; j < mid; j++)
    for (let i = 0; i < inA; i++)
      for (let u = 0; u < tapsA; u++)
        a[(u * mid + j) * inA + i] = first.weight[(j * inA + i) * tapsA + u];
  const scratch = new Float64Array(outC * inPerGroup * taps);
  const bias = new Float64Array(second.bias);
  const b = second.weight;
  for (let o = 0; o < outC; o++) {
    const firstMid = Math.floor(o / outPerGroupB) * inB;
    for (let jl = 0; jl < inB; jl++) {
      let total = 0;
      for (let v = 0; v < tapsB; v++) total += b[(o * inB + jl) * tapsB + v];
      bias[o] += total * first.bias[firstMid + jl];
    }
  }
  /**
   * Adds `B[o..o+rows, :, v] x A[:, :, u]` into the scratch rows of tap `pos`. Blocks of 4 output
   * and 4 intermediate channels share each load of A (the product dominates DBB's 1x1 -> KxK).
   */
  const productRows = (o: number, rows: number, pos: number, u: number, v: number): void => {
    const firstMid = Math.floor(o / outPerGroupB) * inB;
    const firstIn = Math.floor(o / outPerGroup) * inPerGroup;
    const coeff = (r: number, jl: number) => b[((o + r) * inB + jl) * tapsB + v];
    for (let jl = 0; jl < inB;) {
      const j = firstMid + jl;
      const groupOffset = Math.floor(j / midPerGroupA) * inA - firstIn;
      const s0 = (u * mid + j) * inA;
      if (jl + 4 <= inB && sameGroup(j, 4, midPerGroupA)) {
        for (let r = 0; r < rows; r++) {
          const row = (pos * outC + o + r) * inPerGroup + groupOffset;
          const c0 = coeff(r, jl);
          const c1 = coeff(r, jl + 1);
          const c2 = coeff(r, jl + 2);
          const c3 = coeff(r, jl + 3);
          for (let i = 0; i < inA; i++) {
            scratch[row + i] +=
              c0 * a[s0 + i] +
              c1 * a[s0 + inA + i] +
              c2 * a[s0 + 2 * inA + i] +
              c3 * a[s0 + 3 * inA + i];
          }
        }
        jl += 4;
      } else {
        for (let r = 0; r < rows; r++) {
          const row = (pos * outC + o + r) * inPerGroup + groupOffset;
          const c0 = coeff(r, jl);
          if (c0 !== 0) for (let i = 0; i < inA; i++) scratch[row + i] += c0 * a[s0 + i];
        }
        jl += 1;
      }
    }
  };
  for (let vh = 0; vh < khB; vh++) {
    for (let vw = 0; vw < kwB; vw++) {
      for (let uh = 0; uh < khA; uh++) {
        for (let uw = 0; uw < kwA; uw++) {
          const pos =
            ((uh * dAh + vh * sAh * dBh) / c.dh) * c.kw + (uw * dAw + vw * sAw * dBw) / c.dw;
          const u = uh * kwA + uw;
          const v = vh * kwB + vw;
          let o = 0;
          while (o < outC) {
            const block =
              o + 4 <= outC && sameGroup(o, 4, outPerGroupB) && sameGroup(o, 4, outPerGroup)
                ? 4
                : 1;
            productRows(o, block, pos, u, v);
            o += block;
          }
        }
      }
    }
  }
  const weight = new Float64Array(scratch.length);
  for (let pos = 0; pos < taps; pos++) {
    for (let o = 0; o < outC; o++) {
      const src = (pos * outC + o) * inPerGroup;
      for (let i = 0; i < inPerGroup; i++)
        weight[(o * inPerGroup + i) * taps + pos] = scratch[src + i];
    }
  }
  return { weight, bias };
}

/** A 1x1, stride-1, unpadded conv that multiplies each channel by a factor (a batch-norm or a scale). */
export function isChannelwise(c: FillConv): boolean {
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

/** `channelwise(first(x))`: rows of the first conv scaled, its bias mapped (batch-norm folding, I). */
function scaleOutputs(first: FillConv, second: FillConv): FillConv {
  const out = first.shape[0];
  const perOut = first.weight.length / out;
  const weight = new Float64Array(first.weight.length);
  const bias = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    const f = second.weight[o];
    for (let k = o * perOut; k < (o + 1) * perOut; k++) weight[k] = first.weight[k] * f;
    bias[o] = first.bias[o] * f + second.bias[o];
  }
  return { ...first, weight: markFresh(weight), bias };
}

/** Whether channels j..j+count-1 fall in one group of `perGroup` channels. */
const sameGroup = (j: number, count: number, perGroup: number): boolean =>
  Math.floor(j / perGroup) === Math.floor((j + count - 1) / perGroup);
