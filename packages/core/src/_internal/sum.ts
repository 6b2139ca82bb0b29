import { ShapeError } from '../errors.js';
import { commonFill } from './fill.js';
import { type ConvShape, type FillConv, type WeightPart, windowsOf } from './fill-conv.js';
import { gcd } from './math.js';
import type { TapLayout } from './retap.js';
import { commonWindow } from './window.js';

type Size = readonly [number, number] | undefined;

/** Layout shared by parallel branches over the same input: common windows and coarsest groups. */
export function sharedLayout(
  convs: readonly ConvShape[],
  rule: string,
  groups: number,
  nonNegative = false,
  inputSize?: Size,
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
  const axis = (k: 0 | 1, name: string) =>
    commonWindow(
      windows.map((w) => w[k]),
      rule,
      name,
      nonNegative,
      inputSize?.[k],
    );
  return { rows: axis(0, 'vertical'), cols: axis(1, 'horizontal'), groups, inChannels };
}

/** The shape and geometry of `outChannels` rows laid out as `layout`. */
export function shapeIn(layout: TapLayout, outChannels: number): ConvShape {
  return {
    shape: [outChannels, layout.inChannels / layout.groups, layout.rows.taps, layout.cols.taps],
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

/** Branch addition (II) with kernel embedding (VI), from shapes alone. */
export function sumShape(convs: readonly ConvShape[], rule: string, inputSize?: Size): ConvShape {
  const out = convs[0].shape[0];
  convs.forEach((c, i) => {
    if (c.shape[0] !== out)
      throw new ShapeError(
        `${rule}: branch ${i} has ${c.shape[0]} output channels, branch 0 has ${out}`,
      );
  });
  const groups = gcd(...convs.map((c) => c.geometry.groups));
  return shapeIn(sharedLayout(convs, rule, groups, false, inputSize), out);
}

/** Depth concatenation (IV), from shapes alone: groups 1 unless there is one part. */
export function concatShape(
  convs: readonly ConvShape[],
  rule: string,
  inputSize?: Size,
): ConvShape {
  const groups = convs.length === 1 ? convs[0].geometry.groups : 1;
  const out = convs.reduce((a, c) => a + c.shape[0], 0);
  return shapeIn(sharedLayout(convs, rule, groups, false, inputSize), out);
}

/** The same function with non-negative padding (crops become zero taps), from shapes alone. */
export function nonNegativeShape(conv: ConvShape, rule: string): ConvShape {
  if (conv.geometry.padding.every((p) => p >= 0)) return conv;
  return shapeIn(sharedLayout([conv], rule, conv.geometry.groups, true), conv.shape[0]);
}

/**
 * `convs` gathered as the parts of one conv of shape `target`: added (a sum) or stacked along
 * output channels (`stack`). Only biases are computed; the weights stay parts.
 */
export function gather(
  convs: readonly FillConv[],
  target: ConvShape,
  stack: boolean,
  rule: string,
): FillConv {
  const fill = commonFill(convs, rule);
  const bias = new Float64Array(target.shape[0]);
  const parts: WeightPart[] = [];
  let offset = 0;
  for (const c of convs) {
    for (const p of c.parts) parts.push({ ...p, outOffset: p.outOffset + offset });
    for (let o = 0; o < c.shape[0]; o++) bias[offset + o] += c.bias[o];
    if (stack) offset += c.shape[0];
  }
  return { ...target, bias, fill, parts };
}

export function sumFillConvs(convs: readonly FillConv[], rule: string, inputSize?: Size): FillConv {
  return gather(convs, sumShape(convs, rule, inputSize), false, rule);
}

export function concatFillConvs(
  convs: readonly FillConv[],
  rule: string,
  inputSize?: Size,
): FillConv {
  return gather(convs, concatShape(convs, rule, inputSize), true, rule);
}

export function withNonNegativePadding(conv: FillConv, rule: string): FillConv {
  return { ...conv, ...nonNegativeShape(conv, rule) };
}
