import { avgPool, pad } from '@reparam/core';
import { floatAttr, intAttr, intsAttr, stringAttr } from './attributes.js';
import { dimsOf, kindOf, numbersOf, type PassContext } from './context.js';
import type { Fail, LinearOp, Make, NotLinear } from './linear-ops.js';
import type { NodeProto } from './proto.js';
import { after } from './term.js';

/** AveragePool over H and W (floor mode, or ceil mode when it gives the same size). */
export function avgPoolOp(
  ctx: PassContext,
  node: NodeProto,
  make: Make,
  fail: Fail,
): LinearOp | NotLinear {
  const kernel = intsAttr(node, 'kernel_shape', []);
  const stride = intsAttr(node, 'strides', [1, 1]);
  const pads = intsAttr(node, 'pads', [0, 0, 0, 0]);
  if (kernel.length !== 2 || stride.length !== 2 || pads.length !== 4)
    return fail('kernel, strides or pads are not 2-D');
  if (stringAttr(node, 'auto_pad', 'NOTSET') !== 'NOTSET')
    return fail('auto_pad is not supported; export explicit pads');
  if (intsAttr(node, 'dilations', [1, 1]).some((d) => d !== 1)) return fail('dilated pooling');
  const x = dimsOf(ctx, node.input[0])!;
  const y = dimsOf(ctx, node.output[0])!;
  for (let k = 0; k < 2; k++) {
    const floor = Math.floor((x[2 + k] + pads[k] + pads[k + 2] - kernel[k]) / stride[k]) + 1;
    if (floor !== y[2 + k])
      return fail(`ceil_mode changes the output size (${y[2 + k]} instead of ${floor})`);
  }
  const e = avgPool({
    channels: x[1],
    kernel: [kernel[0], kernel[1]],
    stride: [stride[0], stride[1]],
    padding: [pads[0], pads[1], pads[2], pads[3]],
    countIncludePad: intAttr(node, 'count_include_pad', 0) === 1,
  });
  return make([node.input[0]], ([t]) => after(t, e));
}

/** Spatial `Pad` in constant mode (negative amounts crop). */
export function padOp(
  ctx: PassContext,
  node: NodeProto,
  make: Make,
  fail: Fail,
): LinearOp | NotLinear {
  const mode = stringAttr(node, 'mode', 'constant');
  if (mode !== 'constant') return fail(`mode '${mode}' is not constant padding`);
  const [x, padsName, valueName, axesName] = node.input;
  if (ctx.opset < 11) {
    // Pad-1 and Pad-2 take the amounts and the value as attributes.
    const raw = intsAttr(node, ctx.opset < 2 ? 'paddings' : 'pads', []);
    return constantPad(ctx, x, raw, [0, 1, 2, 3], floatAttr(node, 'value', 0), make, fail);
  }
  if ([padsName, valueName ?? '', axesName ?? ''].some((n) => kindOf(ctx, n) === 'dynamic'))
    return fail('pads or value are computed from activations');
  const raw = Array.from(numbersOf(ctx, padsName ?? '') ?? []);
  const axes =
    axesName === undefined || axesName === ''
      ? [0, 1, 2, 3]
      : Array.from(numbersOf(ctx, axesName) ?? []).map((a) => (a + 4) % 4);
  const value =
    valueName === undefined || valueName === '' ? 0 : (numbersOf(ctx, valueName)?.[0] ?? 0);
  return constantPad(ctx, x, raw, axes, value, make, fail);
}

function constantPad(
  ctx: PassContext,
  x: string,
  raw: readonly number[],
  axes: readonly number[],
  value: number,
  make: Make,
  fail: Fail,
): LinearOp | NotLinear {
  if (raw.length !== 2 * axes.length)
    return fail(`pads has ${raw.length} entries for ${axes.length} axes`);
  const begin = [0, 0, 0, 0];
  const end = [0, 0, 0, 0];
  axes.forEach((a, k) => {
    begin[a] = raw[k];
    end[a] = raw[k + axes.length];
  });
  if (begin[0] !== 0 || begin[1] !== 0 || end[0] !== 0 || end[1] !== 0)
    return fail('pads the batch or channel axis');
  const c = dimsOf(ctx, x)![1];
  const e = pad(
    [begin[2], begin[3], end[2], end[3]],
    value === 0 ? 'zero' : new Float64Array(c).fill(value),
  );
  return make([x], ([t]) => after(t, e));
}

/** `Slice` with step 1 on H and W: a crop, i.e. negative padding. */
export function sliceOp(
  ctx: PassContext,
  node: NodeProto,
  make: Make,
  fail: Fail,
): LinearOp | NotLinear {
  const x = node.input[0];
  if (node.input.slice(1).some((n) => kindOf(ctx, n) === 'dynamic'))
    return fail('starts or ends are computed from activations');
  // Slice-1 takes starts, ends and axes as attributes; Slice-10 on, as inputs 1 to 4.
  const read = (k: number, attr: string): number[] | undefined => {
    if (ctx.opset < 10)
      return node.attribute.some((a) => a.name === attr)
        ? [...intsAttr(node, attr, [])]
        : undefined;
    const name = node.input[k];
    return name ? Array.from(numbersOf(ctx, name) ?? []) : undefined;
  };
  const starts = read(1, 'starts') ?? [];
  const ends = read(2, 'ends') ?? [];
  const axes = read(3, 'axes') ?? starts.map((_, k) => k);
  const steps = read(4, 'steps') ?? starts.map(() => 1);
  if (starts.length === 0 || starts.length !== ends.length || axes.length !== starts.length)
    return fail('starts, ends and axes disagree');
  if (steps.some((s) => s !== 1)) return fail('a step is not 1');
  const d = dimsOf(ctx, x)!;
  const crop = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let k = 0; k < axes.length; k++) {
    const a = (axes[k] + 4) % 4;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d[a] : v, 0), d[a]);
    const s = clamp(starts[k]);
    const e = clamp(ends[k]);
    if (e <= s) return fail(`axis ${a} is sliced to nothing`);
    crop[a] = s;
    crop[a + 4] = d[a] - e;
  }
  if (crop[0] || crop[1] || crop[4] || crop[5]) return fail('slices the batch or channel axis');
  const e = pad([-crop[2], -crop[3], -crop[6], -crop[7]]);
  return make([x], ([t]) => after(t, e));
}
