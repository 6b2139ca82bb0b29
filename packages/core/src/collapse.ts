import { validateConv } from './conv.js';
import { NotEquivalentError, ShapeError } from './errors.js';
import type { Expr } from './expr.js';
import { outputLength } from './geometry.js';
import { composeFillConvs } from './_internal/compose.js';
import { describeFill, sameValues } from './_internal/fill.js';
import { type FillConv, padsInput, toFillConv, withoutFill } from './_internal/fill-conv.js';
import { concatFillConvs, sumFillConvs, withNonNegativePadding } from './_internal/sum.js';
import { avgPoolAsConv } from './rules/avg-pool-conv.js';
import { batchNormAsConv, foldBatchNorm } from './rules/fuse-batch-norm.js';
import { isScratch, resetArena, takeScratch } from './_internal/arena.js';
import { markFresh, release } from './_internal/fresh.js';
import { identityConv } from './rules/identity-conv.js';
import { assertNever } from './_internal/assert-never.js';
import { checkDepth } from './_internal/depth.js';
import { traceStep } from './_internal/trace.js';
import { traceComposition, traceMerge } from './_internal/trace-merge.js';
import type { BatchNorm, Conv } from './types.js';

/** Options of {@link collapse}. */
export interface CollapseOptions {
  /** Number format of the returned weights; composition always accumulates in float64. */
  precision?: 'float32' | 'float64';
  /** Input channels, needed only when the expression does not say (a lone zero pad). */
  inChannels?: number;
  /**
   * `[height, width]` of the input the result will run on. Branches whose output sizes agree
   * only at this size (say stride-2 branches padded differently) then merge; the result is
   * exact at this size and not promised at others.
   */
  inputSize?: readonly [number, number];
}

/**
 * Collapses a linear block into the one convolution that computes the same function, by the
 * rules of the algebra: batch-norm folding (I), branch addition (II), sequential composition
 * (III), depth concatenation (IV), average pooling as a conv (V), kernel embedding and identity
 * (VI), and homogeneity. The result has non-negative padding (crops become zero taps).
 * Throws {@link NotEquivalentError} naming the rule and the values when no single conv is exact.
 */
export function collapse(expr: Expr, options: CollapseOptions = {}): Conv {
  checkDepth(expr, 'collapse');
  const channels = options.inChannels ?? inputChannels(expr);
  if (channels === undefined) {
    throw new ShapeError(
      'collapse: the expression does not say how many channels it reads (only zero padding); add a node with channels',
    );
  }
  try {
    const node = collapseNode(expr, channels, options.inputSize);
    if (node.geometry.padding.some((p) => p < 0)) traceStep('crop as zero taps');
    return finish(withNonNegativePadding(node, 'collapse'), channels, options);
  } finally {
    resetArena();
  }
}

/** Checks the collapsed block pads with zeros, and copies it out of scratch memory. */
function finish(result: FillConv, channels: number, options: CollapseOptions): Conv {
  if (padsInput(result) && !sameValues(result.fill, undefined, channels)) {
    throw new NotEquivalentError(
      'collapse',
      `the block pads its input with ${describeFill(result.fill)}, a convolution pads with zeros; put the pad-with-values stage after a 1x1 stage whose bias it repeats`,
    );
  }
  release(result.weight);
  const conv = withoutFill(result);
  if (options.precision === 'float64') {
    checkFinite(conv.weight, conv.bias, 'float64');
    return isScratch(conv.weight) ? { ...conv, weight: new Float64Array(conv.weight) } : conv;
  }
  const weight = new Float32Array(conv.weight);
  const bias = new Float32Array(conv.bias);
  checkFinite(weight, bias, 'float32', conv.weight, conv.bias);
  return { ...conv, weight, bias };
}

/**
 * Refuses a result with an infinite or NaN entry: merged weights too large for the number
 * format (float32 overflows past 3.4e38) or non-finite inputs.
 */
function checkFinite(
  weight: ArrayLike<number>,
  bias: ArrayLike<number>,
  format: string,
  exactWeight: ArrayLike<number> = weight,
  exactBias: ArrayLike<number> = bias,
): void {
  for (const [name, values, exact] of [
    ['weight', weight, exactWeight],
    ['bias', bias, exactBias],
  ] as const) {
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(values[i])) continue;
      const why = Number.isFinite(exact[i])
        ? `${exact[i].toExponential(3)} overflows ${format}; scale the block's weights down or collapse with precision 'float64'`
        : 'the block has infinite or NaN weights';
      throw new NotEquivalentError('collapse', `merged ${name}[${i}] is ${values[i]}: ${why}`);
    }
  }
}

function depthwise(
  channels: number,
  weight: ArrayLike<number>,
  padding: readonly [number, number, number, number] = [0, 0, 0, 0],
  fill?: Float64Array,
): FillConv {
  return {
    shape: [channels, 1, 1, 1],
    weight: Float64Array.from(weight),
    bias: new Float64Array(channels),
    fill,
    geometry: { stride: [1, 1], padding, dilation: [1, 1], groups: channels },
  };
}

type Size = readonly [number, number] | undefined;

function collapseNode(expr: Expr, channels: number, size: Size): FillConv {
  const expectChannels = (c: number, what: string) => {
    if (c !== channels)
      throw new ShapeError(`collapse: ${what} has ${c} channels, its input has ${channels}`);
  };
  switch (expr.kind) {
    case 'conv': {
      validateConv(expr.conv, 'collapse');
      expectChannels(expr.conv.shape[1] * expr.conv.geometry.groups, 'a conv');
      return toFillConv(expr.conv);
    }
    case 'batchNorm':
      expectChannels(expr.batchNorm.gamma.length, 'a batch-norm');
      traceStep('I batch-norm as a conv');
      return batchNormAsConv(expr.batchNorm);
    case 'identity':
      expectChannels(expr.channels, 'an identity');
      traceStep('VI identity as a conv');
      return identityConv(channels, 1, channels);
    case 'scale':
      expectChannels(expr.factors.length, 'a scale');
      traceStep('scale channels');
      return depthwise(channels, expr.factors);
    case 'avgPool':
      expectChannels(expr.channels, 'an avgPool');
      traceStep('V average pool as a conv');
      return avgPoolAsConv(expr);
    case 'pad': {
      if (expr.fill !== 'zero') expectChannels(expr.fill.length, 'a pad fill');
      traceStep('pad as a conv');
      const fill = expr.fill === 'zero' ? undefined : Float64Array.from(expr.fill);
      return depthwise(channels, new Float64Array(channels).fill(1), expr.padding, fill);
    }
    case 'sum': {
      const terms = expr.terms.map((t) => collapseNode(t, channels, size));
      return traceMerge('II add branches', terms, sumFillConvs(terms, 'collapse(sum)', size));
    }
    case 'concat': {
      const parts = expr.parts.map((p) => collapseNode(p, channels, size));
      return traceMerge(
        'IV concatenate outputs',
        parts,
        concatFillConvs(parts, 'collapse(concat)', size),
      );
    }
    case 'sequence': {
      const [head, next] = expr.stages;
      // conv then batch-norm, the commonest pair: fold straight from the caller's weights.
      const folded =
        head.kind === 'conv' &&
        next?.kind === 'batchNorm' &&
        next.batchNorm.gamma.length === head.conv.shape[0];
      let acc = folded
        ? foldFresh(head.conv, next.batchNorm, channels)
        : collapseNode(head, channels, size);
      for (const stage of expr.stages.slice(folded ? 2 : 1)) {
        const stageConv = collapseNode(stage, acc.shape[0], outputSize(acc, size));
        traceComposition(stageConv);
        acc = composeFillConvs(acc, stageConv, 'collapse(sequence)');
      }
      return acc;
    }
    default:
      return assertNever(expr, 'collapse');
  }
}

/** Spatial output size of a conv at a given input size. */
function outputSize(c: FillConv, size: Size): Size {
  if (size === undefined) return undefined;
  const { stride, padding, dilation } = c.geometry;
  return [
    outputLength(size[0], c.shape[2], stride[0], padding[0], padding[2], dilation[0]),
    outputLength(size[1], c.shape[3], stride[1], padding[1], padding[3], dilation[1]),
  ];
}

function foldFresh(c: Conv, bn: BatchNorm, channels: number): FillConv {
  const cin = c.shape[1] * c.geometry.groups;
  if (cin !== channels) {
    throw new ShapeError(`collapse: a conv has ${cin} channels, its input has ${channels}`);
  }
  // Batch-norm folding (I) into scratch memory: the sum that follows adds into it in place.
  traceStep('I fold batch-norm into a conv');
  const folded = foldBatchNorm(c, bn, takeScratch(c.weight.length));
  return { ...folded, weight: markFresh(folded.weight) };
}

/** How many channels an expression reads, if it says (zero padding alone does not). */
export function inputChannels(expr: Expr): number | undefined {
  switch (expr.kind) {
    case 'conv':
      return expr.conv.shape[1] * expr.conv.geometry.groups;
    case 'batchNorm':
      return expr.batchNorm.gamma.length;
    case 'identity':
    case 'avgPool':
      return expr.channels;
    case 'scale':
      return expr.factors.length;
    case 'pad':
      return expr.fill === 'zero' ? undefined : expr.fill.length;
    case 'sum':
      return firstDefined(expr.terms.map(inputChannels));
    case 'concat':
      return firstDefined(expr.parts.map(inputChannels));
    case 'sequence':
      for (const stage of expr.stages) {
        const c = inputChannels(stage);
        if (c !== undefined) return c;
        if (stage.kind !== 'pad') return undefined;
      }
      return undefined;
    default:
      return assertNever(expr, 'inputChannels');
  }
}

const firstDefined = (values: (number | undefined)[]): number | undefined =>
  values.find((v) => v !== undefined);
