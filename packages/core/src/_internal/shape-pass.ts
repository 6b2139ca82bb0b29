import { validateConv } from '../conv.js';
import { BudgetError, ShapeError } from '../errors.js';
import type { Expr } from '../expr.js';
import { fmt, outputLength } from '../geometry.js';
import type { Pair } from '../types.js';
import { assertNever } from './assert-never.js';
import { composeShape, isChannelwise } from './compose-shape.js';
import { type ConvShape, padsInput } from './fill-conv.js';
import { concatShape, nonNegativeShape, sumShape } from './sum.js';

/** A node's collapsed shape, and whether its padding holds values (a pad-with-values stage). */
export interface ShapeNode extends ConvShape {
  readonly fills: boolean;
}

/** What the shape pass checks against, and what it adds up. */
export interface ShapeBudget {
  /** Most bytes one merge may allocate. */
  readonly maxBytes: number;
  /** Multiply-adds of the expression, node by node, per position of its input. */
  trainingMacs: number;
  /** The first merge over `maxBytes`, thrown once the cost rule has had its say. */
  overBudget?: BudgetError;
}

type Size = readonly [number, number] | undefined;

const depthwise = (c: number, kernel: Pair = [1, 1]): ConvShape['shape'] => [c, 1, ...kernel];
const plain = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1] } as const;

/**
 * Walks `expr` on shapes alone, as `collapse` will (same layout functions): every node's
 * collapsed shape, every refusal that shapes decide, the bytes each sequential composition will
 * allocate (its operands, the product's packing and its result, in float64) checked against
 * `budget.maxBytes` before anything is allocated, and the expression's multiply-adds.
 * `inStride` is the stride of the node's input relative to the expression's input.
 */
export function shapePass(
  expr: Expr,
  channels: number,
  size: Size,
  inStride: Pair,
  path: string,
  budget: ShapeBudget,
): ShapeNode {
  const expectChannels = (c: number, what: string) => {
    if (c !== channels)
      throw new ShapeError(`collapse: ${what} has ${c} channels, its input has ${channels}`);
  };
  const perInput = (macs: number, stride: Pair = [1, 1]) => {
    budget.trainingMacs += macs / (inStride[0] * stride[0] * inStride[1] * stride[1]);
  };
  const channelwise = (c: number, macs: number): ShapeNode => {
    perInput(macs);
    return { shape: depthwise(c), geometry: { ...plain, groups: c }, fills: false };
  };
  switch (expr.kind) {
    case 'conv': {
      validateConv(expr.conv, 'collapse');
      const [o, i, kh, kw] = expr.conv.shape;
      expectChannels(i * expr.conv.geometry.groups, 'a conv');
      perInput(o * i * kh * kw, expr.conv.geometry.stride);
      return { shape: expr.conv.shape, geometry: expr.conv.geometry, fills: false };
    }
    case 'batchNorm':
      expectChannels(expr.batchNorm.gamma.length, 'a batch-norm');
      return channelwise(channels, channels);
    case 'identity':
      expectChannels(expr.channels, 'an identity');
      return channelwise(channels, 0);
    case 'scale':
      expectChannels(expr.factors.length, 'a scale');
      return channelwise(channels, channels);
    case 'avgPool': {
      expectChannels(expr.channels, 'an avgPool');
      perInput(channels * expr.kernel[0] * expr.kernel[1], expr.stride);
      const geometry = { ...plain, stride: expr.stride, padding: expr.padding, groups: channels };
      return { shape: depthwise(channels, expr.kernel), geometry, fills: false };
    }
    case 'pad': {
      if (expr.fill !== 'zero') expectChannels(expr.fill.length, 'a pad fill');
      const geometry = { ...plain, padding: expr.padding, groups: channels };
      return { shape: depthwise(channels), geometry, fills: expr.fill !== 'zero' };
    }
    case 'sum':
    case 'concat': {
      const children = expr.kind === 'sum' ? expr.terms : expr.parts;
      const field = expr.kind === 'sum' ? 'terms' : 'parts';
      const nodes = children.map((t, k) =>
        shapePass(t, channels, size, inStride, `${path}.${field}[${k}]`, budget),
      );
      const merged =
        expr.kind === 'sum'
          ? sumShape(nodes, 'collapse(sum)', size)
          : concatShape(nodes, 'collapse(concat)', size);
      // The pad value of a merge is the first padded branch's.
      const padded = nodes.find(padsInput);
      return { ...merged, fills: padded?.fills ?? false };
    }
    case 'sequence': {
      let acc = shapePass(expr.stages[0], channels, size, inStride, `${path}.stages[0]`, budget);
      for (let k = 1; k < expr.stages.length; k++) {
        const at = `${path}.stages[${k}]`;
        const stride: Pair = [
          inStride[0] * acc.geometry.stride[0],
          inStride[1] * acc.geometry.stride[1],
        ];
        const stage = shapePass(
          expr.stages[k],
          acc.shape[0],
          outputSize(acc, size),
          stride,
          at,
          budget,
        );
        if (isChannelwise(stage)) continue;
        const composite = composeShape(acc, acc.fills, stage, 'collapse(sequence)');
        const values = 2 * elements(acc) + 2 * elements(stage) + elements(composite);
        checkBytes(8 * values, at, composite, budget);
        acc = { ...composite, fills: padsInput(acc) && acc.fills };
      }
      return acc;
    }
    default:
      return assertNever(expr, 'collapse');
  }
}

const elements = (c: ConvShape): number => c.shape[0] * c.shape[1] * c.shape[2] * c.shape[3];

/** Records (the first) {@link BudgetError} when `bytes` for the merge at `path` exceed the budget. */
export function checkBytes(
  bytes: number,
  path: string,
  result: ConvShape,
  budget: ShapeBudget,
): void {
  if (bytes <= budget.maxBytes || budget.overBudget !== undefined) return;
  budget.overBudget = new BudgetError(
    path,
    bytes,
    budget.maxBytes,
    'bytes',
    `collapse: ${path} would allocate ${mib(bytes)} (a ${fmt(result.shape)} kernel and its operands), over the budget of ${mib(budget.maxBytes)} (maxBytes); nothing was allocated. Raise maxBytes, or leave this block uncollapsed`,
  );
}

/** The collapsed shape with non-negative padding, as `collapse` returns it. */
export const finalShape = (node: ShapeNode): ConvShape => nonNegativeShape(node, 'collapse');

/** Multiply-adds of one conv per position of the expression's input. */
export const convMacsPerInput = (c: ConvShape): number =>
  elements(c) / (c.geometry.stride[0] * c.geometry.stride[1]);

/** Spatial output size of a conv at a given input size. */
export function outputSize(c: ConvShape, size: Size): Size {
  if (size === undefined) return undefined;
  const { stride, padding, dilation } = c.geometry;
  return [
    outputLength(size[0], c.shape[2], stride[0], padding[0], padding[2], dilation[0]),
    outputLength(size[1], c.shape[3], stride[1], padding[1], padding[3], dilation[1]),
  ];
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
