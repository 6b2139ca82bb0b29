import { ShapeError } from '../errors.js';
import { fmt } from '../geometry.js';
import { commonFill } from './fill.js';
import type { FillConv } from './fill-conv.js';
import { windowsOf } from './fill-conv.js';
import { isFresh, markFresh, release } from './fresh.js';
import { gcd } from './math.js';
import { accumulateRetapped, type TapLayout } from './retap.js';
import { commonWindow } from './window.js';

/** Layout shared by parallel branches over the same input: common windows and coarsest groups. */
export function sharedLayout(
  convs: readonly FillConv[],
  rule: string,
  groups: number,
  nonNegative = false,
  inputSize?: readonly [number, number],
): TapLayout {
  const inChannels = convs[0].shape[1] * convs[0].geometry.groups;
  convs.forEach((c, i) => {
    const cin = c.shape[1] * c.geometry.groups;
    if (cin !== inChannels) {
      throw new ShapeError(
        `${rule}: branch ${i} reads ${cin} channels, branch 0 reads ${inChannels}`,
      );
    }
  });
  const windows = convs.map(windowsOf);
  return {
    rows: commonWindow(
      windows.map((w) => w[0]),
      rule,
      'vertical',
      nonNegative,
      inputSize?.[0],
    ),
    cols: commonWindow(
      windows.map((w) => w[1]),
      rule,
      'horizontal',
      nonNegative,
      inputSize?.[1],
    ),
    groups,
    inChannels,
  };
}

/** Lays `convs` out in `layout` one after another along output channels (a sum when `stack` is false). */
export function combine(
  convs: readonly FillConv[],
  layout: TapLayout,
  stack: boolean,
  rule: string,
): FillConv {
  const fill = commonFill(convs, rule);
  const outChannels = stack ? convs.reduce((a, c) => a + c.shape[0], 0) : convs[0].shape[0];
  const inPerGroup = layout.inChannels / layout.groups;
  const size = outChannels * inPerGroup * layout.rows.taps * layout.cols.taps;
  // A sum may accumulate into a branch's own fresh array when it already has the target layout.
  const host = stack
    ? undefined
    : convs.find((c) => c.weight.length === size && isFresh(c.weight) && hasLayout(c, layout));
  const weight = host ? host.weight : markFresh(new Float64Array(size));
  const bias = new Float64Array(outChannels);
  let offset = 0;
  for (const c of convs) {
    if (c === host) release(c.weight);
    else accumulateRetapped(weight, layout, c, offset);
    for (let o = 0; o < c.shape[0]; o++) bias[offset + o] += c.bias[o];
    if (stack) offset += c.shape[0];
  }
  return {
    shape: [outChannels, inPerGroup, layout.rows.taps, layout.cols.taps],
    weight: markFresh(weight),
    bias,
    fill,
    geometry: {
      stride: [layout.rows.stride, layout.cols.stride],
      padding: [
        layout.rows.padBefore,
        layout.cols.padBefore,
        layout.rows.padAfter,
        layout.cols.padAfter,
      ],
      dilation: [layout.rows.dilation, layout.cols.dilation],
      groups: layout.groups,
    },
  };
}

/** Branch addition (II) with kernel embedding (VI) in the internal fill-aware form. */
export function sumFillConvs(
  convs: readonly FillConv[],
  rule: string,
  inputSize?: readonly [number, number],
): FillConv {
  const out = convs[0].shape[0];
  convs.forEach((c, i) => {
    if (c.shape[0] !== out)
      throw new ShapeError(
        `${rule}: branch ${i} has ${c.shape[0]} output channels, branch 0 has ${out}`,
      );
  });
  const groups = gcd(...convs.map((c) => c.geometry.groups));
  return combine(convs, sharedLayout(convs, rule, groups, false, inputSize), false, rule);
}

/** Depth concatenation (IV) in the internal fill-aware form; the result has groups 1 unless one part. */
export function concatFillConvs(
  convs: readonly FillConv[],
  rule: string,
  inputSize?: readonly [number, number],
): FillConv {
  const groups = convs.length === 1 ? convs[0].geometry.groups : 1;
  return combine(convs, sharedLayout(convs, rule, groups, false, inputSize), true, rule);
}

/** The same function with non-negative padding: crops become zero kernel taps. */
export function withNonNegativePadding(conv: FillConv, rule: string): FillConv {
  if (conv.geometry.padding.every((p) => p >= 0)) return conv;
  return combine([conv], sharedLayout([conv], rule, conv.geometry.groups, true), false, rule);
}

export const shapeText = (c: FillConv): string => fmt(c.shape);

function hasLayout(c: FillConv, layout: TapLayout): boolean {
  const [rows, cols] = windowsOf(c);
  const same = (a: typeof rows, b: typeof rows) =>
    a.taps === b.taps && a.padBefore === b.padBefore && (a.taps === 1 || a.dilation === b.dilation);
  return c.geometry.groups === layout.groups && same(rows, layout.rows) && same(cols, layout.cols);
}
