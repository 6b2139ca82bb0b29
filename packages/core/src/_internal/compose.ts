import { NotEquivalentError } from '../errors.js';
import type { MatrixProduct, MatrixView } from '../product.js';
import type { Floats } from '../types.js';
import { type Composite, composeShape, isChannelwise } from './compose-shape.js';
import { composeSeparable } from './compose-separable.js';
import { denseWeight } from './dense.js';
import { describeFill, sameValues } from './fill.js';
import { type FillConv, padsInput, plainWeight } from './fill-conv.js';
import { operandOf, tapMajorOperand, tapSums } from './operand.js';
import { scratch } from './scratch.js';

/**
 * Sequential composition (III, generalised): `second(first(x))` as one conv (geometry in
 * {@link composeShape}). A channelwise second stage (a batch-norm, a scale) only rescales the
 * rows of the first (I); otherwise the composite weight is one matrix product per pair of taps
 * and pair of groups, `W[o, i, pos(u, v)] += B[o, j, v] A[j, i, u]`, computed by `product`.
 */
export function composeFillConvs(
  first: FillConv,
  second: FillConv,
  rule: string,
  product: MatrixProduct,
): FillConv {
  const composite = composeShape(first, first.fill !== undefined, second, rule);
  if (!sameValues(second.fill, first.bias, first.shape[0]) && padsInput(second)) {
    throw new NotEquivalentError(
      rule,
      `the intermediate is padded with ${describeFill(second.fill)} but the first stage outputs its bias ${describeFill(first.bias)} there; pad with the first stage's bias (DBB's pad-with-bias layer) or use a first stage without bias`,
    );
  }
  if (isChannelwise(second)) return scaleOutputs(first, second);
  const fill = padsInput(first) ? first.fill : undefined;
  const [outC, inB, khB, kwB] = second.shape;
  const b = operandOf(second);
  if (first.shape[1] === 1 || inB === 1) {
    const bias = compositeBias(first, second, tapSums(b, outC, inB, khB * kwB), b.rowScale);
    const pos = compositeTaps(first, second, composite);
    const separable = composeSeparable(first, second, composite, pos);
    const { shape, geometry } = composite;
    if (separable !== undefined) return { shape, geometry, bias, fill, parts: [separable] };
    const weight = composeDirect(first, second, composite);
    return {
      shape,
      geometry,
      bias,
      fill,
      parts: [{ conv: { shape, geometry, weight, bias }, outOffset: 0 }],
    };
  }
  // The products read B tap-major and unscaled: its batch-norm scale goes to the composite's rows.
  const { operand, sums } = tapMajorOperand(b, outC, inB, khB * kwB);
  const bias = compositeBias(first, second, sums, b.rowScale);
  const { shape, geometry } = composite;
  const weight = composeByProducts(first, second, operand.data, composite, product);
  const conv = { shape, geometry, weight, bias };
  const tapMajor = shape[2] * shape[3] > 1;
  return {
    shape,
    geometry,
    bias,
    fill,
    parts: [{ conv, outOffset: 0, tapMajor, rowScale: b.rowScale }],
  };
}

/** `channelwise(first(x))`: the rows of the first conv scaled, its bias mapped (batch-norm folding, I). */
function scaleOutputs(first: FillConv, second: FillConv): FillConv {
  const factor = denseWeight(second);
  const bias = new Float64Array(first.shape[0]);
  for (let o = 0; o < bias.length; o++) bias[o] = first.bias[o] * factor[o] + second.bias[o];
  const parts = first.parts.map((p) => {
    const rowScale = new Float64Array(p.conv.shape[0]);
    for (let o = 0; o < rowScale.length; o++)
      rowScale[o] = (p.rowScale?.[o] ?? 1) * factor[o + p.outOffset];
    return { ...p, rowScale };
  });
  return { ...first, bias, parts };
}

/** `bB[o] + s[o] sum_j (sum_v B[o, j, v]) bA[j]`: the first stage's bias through the second. */
function compositeBias(
  first: FillConv,
  second: FillConv,
  sums: Float64Array,
  rowScale: Float64Array | undefined,
): Float64Array {
  const [outC, inB] = second.shape;
  const outPerGroupB = outC / second.geometry.groups;
  const bias = new Float64Array(second.bias);
  for (let o = 0; o < outC; o++) {
    const firstMid = Math.floor(o / outPerGroupB) * inB;
    let total = 0;
    for (let jl = 0; jl < inB; jl++) total += sums[o * inB + jl] * first.bias[firstMid + jl];
    bias[o] += (rowScale === undefined ? 1 : rowScale[o]) * total;
  }
  return bias;
}

/** Index pairs of the composite: `pos[v * tapsA + u]` is where tap u of A after tap v of B lands. */
function compositeTaps(first: FillConv, second: FillConv, c: Composite): Int32Array {
  const [, , khA, kwA] = first.shape;
  const [, , khB, kwB] = second.shape;
  const [sAh, sAw] = first.geometry.stride;
  const [dAh, dAw] = first.geometry.dilation;
  const [dBh, dBw] = second.geometry.dilation;
  const pos = new Int32Array(khA * kwA * khB * kwB);
  for (let vh = 0; vh < khB; vh++)
    for (let vw = 0; vw < kwB; vw++)
      for (let uh = 0; uh < khA; uh++)
        for (let uw = 0; uw < kwA; uw++) {
          const row = (uh * dAh + vh * sAh * dBh) / c.dh;
          const col = (uw * dAw + vw * sAw * dBw) / c.dw;
          pos[(vh * kwB + vw) * khA * kwA + uh * kwA + uw] = row * c.shape[3] + col;
        }
  return pos;
}

/**
 * The composite weight (OIHW) by direct loops, when one stage reads a single channel per
 * output (a depthwise stage: DBB's average pool, a pad, a batch-norm first): then there is no
 * sum over intermediate channels to speak of, `out * in * taps` multiply-adds in all.
 */
function composeDirect(first: FillConv, second: FillConv, c: Composite): Float64Array {
  const [mid, inA, khA, kwA] = first.shape;
  const [outC, inB, khB, kwB] = second.shape;
  const tapsA = khA * kwA;
  const tapsB = khB * kwB;
  const a = denseWeight(first);
  const b = denseWeight(second);
  const pos = compositeTaps(first, second, c);
  const [, inPerGroup, kh, kw] = c.shape;
  const taps = kh * kw;
  const outPerGroupB = outC / second.geometry.groups;
  const midPerGroupA = mid / first.geometry.groups;
  const outPerGroup = outC / c.geometry.groups;
  const weight = scratch(outC * inPerGroup * taps);
  for (let o = 0; o < outC; o++) {
    const firstMid = Math.floor(o / outPerGroupB) * inB;
    const firstIn = Math.floor(o / outPerGroup) * inPerGroup;
    for (let jl = 0; jl < inB; jl++) {
      const j = firstMid + jl;
      const col = Math.floor(j / midPerGroupA) * inA - firstIn;
      const taps2 = (o * inB + jl) * tapsB;
      for (let i = 0; i < inA; i++) {
        const to = (o * inPerGroup + col + i) * taps;
        const from = (j * inA + i) * tapsA;
        for (let u = 0; u < tapsA; u++) {
          const x = a[from + u];
          if (x === 0) continue;
          for (let v = 0; v < tapsB; v++) weight[to + pos[v * tapsA + u]] += b[taps2 + v] * x;
        }
      }
    }
  }
  return weight;
}

/**
 * The composite weight by matrix products, tap-major (`[tap][out][in/groups]`): for each pair
 * of taps (v of the second conv, u of the first) and each pair of groups that share
 * intermediate channels, `B[rows, j, v] x A[j, inputs, u]` is added at tap `pos(u, v)`.
 * Operands are tap-major copies, so every product reads and writes contiguous rows.
 */
function composeByProducts(
  first: FillConv,
  second: FillConv,
  b: Floats,
  c: Composite,
  product: MatrixProduct,
): Float64Array {
  const [mid, inA, khA, kwA] = first.shape;
  const [outC, inB, khB, kwB] = second.shape;
  const tapsA = khA * kwA;
  const tapsB = khB * kwB;
  const a = tapMajorWeight(first, tapsA);
  const planeB = outC * inB;
  const pos = compositeTaps(first, second, c);
  const [, inPerGroup, kh, kw] = c.shape;
  const outPerGroupB = outC / second.geometry.groups;
  const midPerGroupA = mid / first.geometry.groups;
  const outPerGroup = outC / c.geometry.groups;
  const planeA = mid * inA;
  const planeW = outC * inPerGroup;
  const weight = scratch(planeW * kh * kw);
  if (
    tapsA === 1 &&
    second.geometry.groups === 1 &&
    first.geometry.groups === 1 &&
    pos.every((p, k) => p === k)
  ) {
    // A 1x1 first stage without groups (DBB's 1x1 -> KxK): the tap planes of B stack into one
    // matrix, and so do those of the composite, so one product does every tap.
    const rows = tapsB * outC;
    product.multiplyAdd(
      { data: b, offset: 0, rows, cols: mid, rowStride: mid, colStride: 1 },
      { data: a, offset: 0, rows: mid, cols: inA, rowStride: inA, colStride: 1 },
      { data: weight, offset: 0, rows, cols: inA, rowStride: inA, colStride: 1 },
    );
    return weight;
  }
  for (let v = 0; v < tapsB; v++)
    for (let u = 0; u < tapsA; u++)
      for (let o0 = 0; o0 < outC; o0 += outPerGroupB) {
        const jStart = (o0 / outPerGroupB) * inB;
        const firstIn = Math.floor(o0 / outPerGroup) * inPerGroup;
        // The intermediate channels of this group of B, split where A's groups change.
        for (let j0 = jStart; j0 < jStart + inB;) {
          const groupA = Math.floor(j0 / midPerGroupA);
          const j1 = Math.min(jStart + inB, (groupA + 1) * midPerGroupA);
          const left: MatrixView = {
            data: b,
            offset: v * planeB + o0 * inB + j0 - jStart,
            rows: outPerGroupB,
            cols: j1 - j0,
            rowStride: inB,
            colStride: 1,
          };
          const right: MatrixView = {
            data: a,
            offset: u * planeA + j0 * inA,
            rows: j1 - j0,
            cols: inA,
            rowStride: inA,
            colStride: 1,
          };
          const out: MatrixView<Float64Array> = {
            data: weight,
            offset: pos[v * tapsA + u] * planeW + o0 * inPerGroup + groupA * inA - firstIn,
            rows: outPerGroupB,
            cols: inA,
            rowStride: inPerGroup,
            colStride: 1,
          };
          if (j1 - j0 === 1) addOuterProduct(left, right, out);
          else product.multiplyAdd(left, right, out);
          j0 = j1;
        }
      }
  return weight;
}

/** The weight of `c` tap-major (`[taps][out][in/groups]`): stored so, or a transposed copy. */
function tapMajorWeight(c: FillConv, taps: number): Floats {
  const stored = plainWeight(c, true);
  if (stored !== undefined) return stored;
  const w = denseWeight(c);
  if (taps === 1) return w;
  const rows = w.length / taps;
  const out = scratch(w.length, false);
  for (let r = 0; r < rows; r++) for (let t = 0; t < taps; t++) out[t * rows + r] = w[r * taps + t];
  return out;
}

/** `c += a · b` for one intermediate channel (a column times a row): depthwise stages. */
function addOuterProduct(a: MatrixView, b: MatrixView, c: MatrixView<Float64Array>): void {
  const x: Floats = a.data;
  const y: Floats = b.data;
  for (let r = 0; r < c.rows; r++) {
    const f = x[a.offset + r * a.rowStride];
    if (f === 0) continue;
    const at = c.offset + r * c.rowStride;
    for (let k = 0; k < c.cols; k++)
      c.data[at + k * c.colStride] += f * y[b.offset + k * b.colStride];
  }
}
