import { pad } from '@reparam/core';
import { stringAttr } from './attributes.js';
import { dimsOf, kindOf, numbersOf, type PassContext } from './context.js';
import type { Fail, LinearOp, NotLinear } from './linear-ops.js';
import type { NodeProto } from './proto.js';
import { after } from './term.js';

/**
 * A chain `Pad -> ScatterND -> ... -> ScatterND` that writes constant per-channel values into
 * the padded border only (how PyTorch exports DBB's pad-with-bias layer) is `pad(p, fill)`.
 * Indices and updates are read at the probe shape; every border position must end with its
 * channel's value and no interior position may be written.
 */
export function scatterPadOp(
  ctx: PassContext,
  last: NodeProto,
  i: number,
  shapeDependent: boolean,
  fail: Fail,
): LinearOp | NotLinear {
  const chain: number[] = [i];
  let data = last.input[0];
  for (;;) {
    const p = ctx.index.producer.get(data);
    if (p === undefined) return fail('the scattered tensor is not a padded one');
    const node = ctx.index.graph.node[p];
    // PyTorch reads the intermediate tensors again (Slice -> Shape) to build the next indices; the
    // rewrite checks that no such reader survives once the chain is gone.
    if (ctx.index.outputs.has(data)) return fail(`'${data}' is a graph output`);
    if (node.opType === 'ScatterND') {
      chain.unshift(p);
      data = node.input[0];
      continue;
    }
    if (node.opType !== 'Pad') return fail('the scattered tensor is not produced by Pad');
    chain.unshift(p);
    break;
  }
  const padNode = ctx.index.graph.node[chain[0]];
  if (stringAttr(padNode, 'mode', 'constant') !== 'constant')
    return fail('the Pad is not constant');
  const x = padNode.input[0];
  const xd = dimsOf(ctx, x);
  const pd = dimsOf(ctx, padNode.output[0]);
  if (
    xd === undefined ||
    pd === undefined ||
    xd.length !== 4 ||
    pd.length !== 4 ||
    xd[0] !== pd[0] ||
    xd[1] !== pd[1]
  ) {
    return fail('the Pad does not pad H and W of an NCHW tensor');
  }
  const padValue = numbersOf(ctx, padNode.input[2] ?? '')?.[0] ?? 0;
  const scatters = chain.slice(1).map((k) => ctx.index.graph.node[k]);
  const fill = borderFill(ctx, scatters, pd, padValue, fail);
  if ('reason' in fill) return fill;
  const inner = innerBox(ctx, padNode, xd, pd);
  if (inner === undefined) return fail('the Pad amounts are not constant and non-negative');
  const e = pad(inner, fill.values.every((v) => v === 0) ? 'zero' : fill.values);
  const dep =
    shapeDependent ||
    chain.some((k) => ctx.index.graph.node[k].input.some((n) => kindOf(ctx, n) === 'shape'));
  // Constant indices name fixed positions: the border at the probe size only.
  if (!dep && ctx.symbolicInputs.length > 0)
    return fail(
      'its indices are constants written for the probe size, and an input has dynamic dims: at other sizes they do not mark the border',
    );
  return {
    node: i,
    inputs: [x],
    absorbs: chain.slice(0, -1),
    shapeDependent: dep,
    build: ([t]) => after(t, e),
  };
}

function innerBox(
  ctx: PassContext,
  padNode: NodeProto,
  xd: readonly number[],
  pd: readonly number[],
): [number, number, number, number] | undefined {
  const raw = padNode.input[1] ? Array.from(numbersOf(ctx, padNode.input[1]) ?? []) : [];
  if (raw.length !== 8 || raw.some((v) => v < 0) || padNode.input[3]) return undefined;
  const [, , top, left, , , bottom, right] = raw;
  if (xd[2] + top + bottom !== pd[2] || xd[3] + left + right !== pd[3]) return undefined;
  return [top, left, bottom, right];
}

function borderFill(
  ctx: PassContext,
  scatters: NodeProto[],
  d: readonly number[],
  padValue: number,
  fail: Fail,
): { values: Float64Array } | NotLinear {
  const [n, c, h, w] = d;
  const inner = new Uint8Array(n * c * h * w); // 1 = holds input data
  const values = new Float64Array(n * c * h * w).fill(padValue);
  const xd = dimsOf(
    ctx,
    ctx.index.graph.node[ctx.index.producer.get(scatters[0].input[0])!].input[0],
  )!;
  const pads = Array.from(
    numbersOf(ctx, ctx.index.graph.node[ctx.index.producer.get(scatters[0].input[0])!].input[1]) ??
      [],
  );
  const [top, left] = [pads[2] ?? 0, pads[3] ?? 0];
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < xd[2]; y++)
        for (let x = 0; x < xd[3]; x++) {
          inner[((b * c + ch) * h + y + top) * w + x + left] = 1;
        }
  const strides = [c * h * w, h * w, w, 1];
  for (const s of scatters) {
    if (stringAttr(s, 'reduction', 'none') !== 'none')
      return fail('ScatterND reduces instead of writing');
    const idx = numbersOf(ctx, s.input[1]);
    const upd = numbersOf(ctx, s.input[2]);
    const idims = dimsOf(ctx, s.input[1]);
    if (idx === undefined || upd === undefined || idims === undefined)
      return fail('indices or updates are computed from activations');
    const k = idims[idims.length - 1];
    const block = d.slice(k).reduce((a, v) => a * v, 1);
    const count = idx.length / k;
    if (!(k >= 1 && k <= 4) || upd.length !== count * block)
      return fail('indices and updates do not match the data');
    for (let j = 0; j < count; j++) {
      let base = 0;
      for (let a = 0; a < k; a++) {
        let v = idx[j * k + a];
        if (v < 0) v += d[a];
        if (v < 0 || v >= d[a]) return fail(`index ${idx[j * k + a]} is outside axis ${a}`);
        base += v * strides[a];
      }
      for (let q = 0; q < block; q++) {
        if (inner[base + q]) return fail('ScatterND writes inside the unpadded area');
        values[base + q] = upd[j * block + q];
      }
    }
  }
  const fill = new Float64Array(c).fill(NaN);
  for (let p = 0; p < values.length; p++) {
    if (inner[p]) continue;
    const ch = Math.floor(p / (h * w)) % c;
    if (Number.isNaN(fill[ch])) fill[ch] = values[p];
    else if (fill[ch] !== values[p])
      return fail(`channel ${ch} border holds ${fill[ch]} and ${values[p]}`);
  }
  return { values: fill.map((v) => (Number.isNaN(v) ? padValue : v)) };
}
