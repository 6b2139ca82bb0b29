import {
  batchNorm,
  concat,
  conv,
  makeConv,
  NotEquivalentError,
  scale,
  ShapeError,
  sum,
  type Expr,
} from '@reparam/core';
import { floatAttr, intAttr, intsAttr, stringAttr } from './attributes.js';
import {
  dimsOf,
  floatsOf,
  kindOf,
  numbersOf,
  typeOf,
  unused,
  type PassContext,
} from './context.js';
import { avgPoolOp, padOp, sliceOp } from './linear-ops-spatial.js';
import type { NodeProto } from './proto.js';
import { scatterPadOp } from './scatter-pad.js';
import { affine, after, asExpr, type Term } from './term.js';

/** A node the graph pass can express in `core`'s algebra. */
export interface LinearOp {
  readonly node: number;
  /** Activation tensors it reads, in the order `build` takes their terms. */
  readonly inputs: readonly string[];
  /** Other nodes it stands for (a Pad + ScatterND chain). */
  readonly absorbs: readonly number[];
  /** Whether a parameter was computed from input shapes (valid at the probe shapes). */
  readonly shapeDependent: boolean;
  readonly build: (inputs: readonly Term[]) => Expr | null;
}

/** Why a node of a linear op type cannot join a region. */
export interface NotLinear {
  readonly node: number;
  readonly reason: string;
}

/** Op types the pass considers. */
export const LINEAR_OP_TYPES = new Set([
  'Conv',
  'BatchNormalization',
  'Add',
  'Sum',
  'Sub',
  'Mul',
  'Div',
  'Concat',
  'AveragePool',
  'Pad',
  'Identity',
  'Dropout',
  'Slice',
  'ScatterND',
]);

/**
 * Describes node `i` as a linear op of its activation inputs, a reason it is not one, or
 * undefined for nodes outside the pass's vocabulary or with no activation input.
 */
export function linearOp(ctx: PassContext, i: number): LinearOp | NotLinear | undefined {
  const node = ctx.index.graph.node[i];
  const op = node.opType ?? '';
  if (!LINEAR_OP_TYPES.has(op) || (node.domain ?? '') !== '') return undefined;
  const acts = node.input.filter((n) => kindOf(ctx, n) === 'dynamic');
  if (acts.length === 0) return undefined;
  const fail = (reason: string): NotLinear => ({ node: i, reason: `${op}: ${reason}` });
  for (const a of [...acts, node.output[0]]) {
    const d = dimsOf(ctx, a);
    if (d === undefined || d.length !== 4)
      return fail(
        `tensor '${a}' is not 4-D NCHW (dims ${d === undefined ? 'unknown' : `[${d.join(', ')}]`})`,
      );
    if (typeOf(ctx, a) !== 'float32') return fail(`tensor '${a}' is not float32`);
    if (d.includes(0)) return fail(`tensor '${a}' is empty (dims [${d.join(', ')}])`);
  }
  const random = acts.find((a) => ctx.random.has(a));
  if (random !== undefined)
    return fail(`'${random}' depends on random operators (verification could not check it)`);
  if (node.output.slice(1).some((o) => !unused(ctx, o))) return fail('its extra outputs are used');
  const fromShape = node.input.find((n) => kindOf(ctx, n) === 'shape');
  // ScatterND chains (pad-with-bias) are read as a border pattern that holds at every size.
  if (fromShape !== undefined && op !== 'ScatterND' && ctx.symbolicInputs.length > 0) {
    const names = ctx.symbolicInputs.map((n) => `'${n}'`).join(', ');
    return fail(
      `'${fromShape}' is computed from the input shape, and ${names} ${ctx.symbolicInputs.length > 1 ? 'have' : 'has'} dynamic dims: folding it would be exact at the probe shape only; export with fixed dims to fold it`,
    );
  }
  const shapeDependent = node.input.some((n) => kindOf(ctx, n) === 'shape');
  const make = (inputs: string[], build: LinearOp['build']): LinearOp => ({
    node: i,
    inputs,
    absorbs: [],
    shapeDependent,
    build,
  });
  const channels = dimsOf(ctx, node.output[0])![1];
  try {
    return describeOp(ctx, node, i, op, acts, channels, shapeDependent, make, fail);
  } catch (e) {
    // core refuses the parameters (a variance <= 0, weights of the wrong size): leave the node
    if (e instanceof ShapeError || e instanceof NotEquivalentError) return fail(e.message);
    throw e;
  }
}

function describeOp(
  ctx: PassContext,
  node: NodeProto,
  i: number,
  op: string,
  acts: readonly string[],
  channels: number,
  shapeDependent: boolean,
  make: Make,
  fail: Fail,
): LinearOp | NotLinear | undefined {
  switch (op) {
    case 'Conv':
      return convOp(ctx, node, make, fail);
    case 'BatchNormalization': {
      if (intAttr(node, 'training_mode', 0) !== 0)
        return fail('training_mode is 1 (batch statistics)');
      // Before opset 7 the default is training (`is_test` 0); before opset 9 `spatial` 0 means
      // per-activation statistics, which are not per-channel constants.
      if (ctx.opset < 7 && intAttr(node, 'is_test', 0) === 0)
        return fail('is_test is 0 (batch statistics)');
      if (ctx.opset < 9 && intAttr(node, 'spatial', 1) === 0)
        return fail('spatial is 0 (per-activation statistics)');
      const [, g, b, m, v] = node.input.map((n) => numbersOf(ctx, n));
      if (acts.length !== 1 || !g || !b || !m || !v)
        return fail('scale, bias, mean and variance must be constants');
      const bn = batchNorm({
        gamma: g,
        beta: b,
        mean: m,
        variance: v,
        epsilon: floatAttr(node, 'epsilon', 1e-5),
      });
      return make([node.input[0]], ([x]) => after(x, bn));
    }
    case 'Identity':
      return make([node.input[0]], ([x]) => x.expr);
    case 'Dropout': {
      if (ctx.opset < 7 && intAttr(node, 'is_test', 0) === 0)
        return fail('is_test is 0 (random dropout)');
      const training = numbersOf(ctx, node.input[2] ?? '');
      if (
        kindOf(ctx, node.input[2] ?? '') === 'dynamic' ||
        (training !== undefined && training[0] !== 0)
      )
        return fail('training_mode may be true');
      return make([node.input[0]], ([x]) => x.expr);
    }
    case 'Concat': {
      const axis = intAttr(node, 'axis', 1);
      if (axis !== 1 && axis !== -3) return fail(`axis ${axis} is not the channel axis`);
      if (acts.length !== node.input.length) return fail('a constant input is concatenated');
      return make([...node.input], (terms) => concat(...terms.map(asExpr)));
    }
    case 'Add':
    case 'Sum':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return arithmeticOp(ctx, node, op, channels, make, fail);
    case 'AveragePool':
      return avgPoolOp(ctx, node, make, fail);
    case 'Pad':
      return padOp(ctx, node, make, fail);
    case 'Slice':
      return sliceOp(ctx, node, make, fail);
    case 'ScatterND':
      return scatterPadOp(ctx, node, i, shapeDependent, fail);
    default:
      return undefined;
  }
}

/** Builders shared by the op files. */
export type Make = (inputs: string[], build: LinearOp['build']) => LinearOp;
export type Fail = (reason: string) => NotLinear;

function convOp(ctx: PassContext, node: NodeProto, make: Make, fail: Fail): LinearOp | NotLinear {
  const [x, w, b] = node.input;
  if (
    kindOf(ctx, x) !== 'dynamic' ||
    kindOf(ctx, w) === 'dynamic' ||
    kindOf(ctx, b ?? '') === 'dynamic'
  ) {
    return fail('weight or bias is computed from activations');
  }
  const wd = dimsOf(ctx, w);
  const weight = floatsOf(ctx, w);
  if (wd === undefined || wd.length !== 4 || weight === undefined)
    return fail('the weight is not a constant OIHW tensor');
  const xd = dimsOf(ctx, x)!;
  const stride = intsAttr(node, 'strides', [1, 1]);
  const dilation = intsAttr(node, 'dilations', [1, 1]);
  let pads = intsAttr(node, 'pads', [0, 0, 0, 0]);
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')
    pads = samePads(xd, wd, stride, dilation, autoPad === 'SAME_UPPER');
  else if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  if (stride.length !== 2 || dilation.length !== 2 || pads.length !== 4)
    return fail('strides, dilations or pads are not 2-D');
  const bias = b === undefined || b === '' ? undefined : numbersOf(ctx, b);
  const c = makeConv({
    shape: [wd[0], wd[1], wd[2], wd[3]],
    weight,
    bias,
    stride: [stride[0], stride[1]],
    padding: [pads[0], pads[1], pads[2], pads[3]],
    dilation: [dilation[0], dilation[1]],
    groups: intAttr(node, 'group', 1),
  });
  return make([x], ([t]) => after(t, conv(c)));
}

function samePads(
  x: readonly number[],
  w: readonly number[],
  s: readonly number[],
  d: readonly number[],
  upper: boolean,
): number[] {
  const before: number[] = [];
  const afterPads: number[] = [];
  for (let k = 0; k < 2; k++) {
    const out = Math.ceil(x[2 + k] / s[k]);
    const total = Math.max(0, (out - 1) * s[k] + (w[2 + k] - 1) * d[k] + 1 - x[2 + k]);
    const small = Math.floor(total / 2);
    before.push(upper ? small : total - small);
    afterPads.push(upper ? total - small : small);
  }
  return [...before, ...afterPads];
}

/** Per-channel values of a constant broadcast against an NCHW tensor with `c` channels, or undefined. */
export function perChannel(ctx: PassContext, name: string, c: number): Float64Array | undefined {
  const v = numbersOf(ctx, name);
  const d = dimsOf(ctx, name);
  if (v === undefined || d === undefined || d.length > 4) return undefined;
  const full = [...new Array<number>(4 - d.length).fill(1), ...d];
  if (full[0] !== 1 || full[2] !== 1 || full[3] !== 1 || (full[1] !== 1 && full[1] !== c))
    return undefined;
  return full[1] === c ? v : new Float64Array(c).fill(v[0]);
}

function arithmeticOp(
  ctx: PassContext,
  node: NodeProto,
  op: string,
  c: number,
  make: Make,
  fail: Fail,
): LinearOp | NotLinear {
  const out = dimsOf(ctx, node.output[0])!.join('x');
  const acts: string[] = [];
  const offsets = new Float64Array(c);
  const signs: number[] = [];
  let factors: Float64Array | undefined;
  for (const [k, name] of node.input.entries()) {
    if (kindOf(ctx, name) === 'dynamic') {
      if (dimsOf(ctx, name)!.join('x') !== out) return fail(`'${name}' is broadcast to ${out}`);
      acts.push(name);
      signs.push(op === 'Sub' && k === 1 ? -1 : 1);
      continue;
    }
    const v = perChannel(ctx, name, c);
    if (v === undefined) return fail(`constant '${name}' is not per-channel`);
    if (op === 'Mul' || op === 'Div') {
      if (op === 'Div' && k === 0) return fail('divides a constant by an activation');
      factors = op === 'Div' ? v.map((x) => 1 / x) : v;
      continue;
    }
    for (let j = 0; j < c; j++) offsets[j] += op === 'Sub' && k === 1 ? -v[j] : v[j];
  }
  if (op === 'Mul' || op === 'Div') {
    // the activation's own dims were checked above, whichever side the constant is on
    if (factors === undefined || acts.length !== 1) return fail('multiplies two activations');
    const f = factors;
    return make(acts, ([x]) => after(x, scale(f)));
  }
  const hasOffset = offsets.some((v) => v !== 0);
  return make(acts, (terms) => {
    const parts = terms.map((t, k) =>
      signs[k] === 1 ? asExpr(t) : after(t, scale(new Float64Array(c).fill(-1))),
    );
    const base =
      parts.length === 1
        ? terms[0].expr !== null || signs[0] === -1
          ? parts[0]
          : null
        : sum(...parts);
    if (!hasOffset) return base;
    const shift = affine(new Float64Array(c).fill(1), offsets);
    return base === null ? shift : after({ expr: base, channels: c }, shift);
  });
}
