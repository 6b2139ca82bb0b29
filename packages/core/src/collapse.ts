import { validateConv } from './conv.js';
import { BudgetError, NotEquivalentError, ShapeError } from './errors.js';
import type { Expr } from './expr.js';
import { jsMatrixProduct, type MatrixProduct } from './product.js';
import { composeFillConvs } from './_internal/compose.js';
import { notFinite, weightSize, writeWeight } from './_internal/dense.js';
import { describeFill, sameValues } from './_internal/fill.js';
import { type FillConv, padsInput, toFillConv } from './_internal/fill-conv.js';
import {
  checkBytes,
  convMacsPerInput,
  finalShape,
  outputSize,
  shapePass,
  type ShapeBudget,
} from './_internal/shape-pass.js';
import { withScratch } from './_internal/scratch.js';
import { concatFillConvs, sumFillConvs, withNonNegativePadding } from './_internal/sum.js';
import { avgPoolAsConv } from './rules/avg-pool-conv.js';
import { batchNormAsConv, batchNormFactors } from './rules/fuse-batch-norm.js';
import { identityConv } from './rules/identity-conv.js';
import { assertNever } from './_internal/assert-never.js';
import { checkDepth } from './_internal/depth.js';
import { traceStep } from './_internal/trace.js';
import { traceComposition, traceMerge } from './_internal/trace-merge.js';
import type { BatchNorm, Conv } from './types.js';

/** {@link CollapseOptions.maxBytes} when not given: 2 GiB. */
export const DEFAULT_MAX_BYTES = 2 ** 31;

/** Options of {@link collapse}. */
export interface CollapseOptions {
  /** Number format of the returned weights; sums and compositions accumulate in float64. */
  precision?: 'float32' | 'float64';
  /** Input channels, needed only when the expression does not say (a lone zero pad). */
  inChannels?: number;
  /**
   * `[height, width]` of the input the result will run on. Branches whose output sizes agree
   * only at this size (say stride-2 branches padded differently) then merge; the result is
   * exact at this size and not promised at others.
   */
  inputSize?: readonly [number, number];
  /**
   * Memory budget: the most bytes one merge may allocate (a composition's operands, product
   * scratch and result in float64; the returned weight). Checked on shapes alone, before
   * anything is allocated; exceeding it throws {@link BudgetError}. Default 2 GiB.
   */
  maxBytes?: number;
  /**
   * Cost rule: refuse ({@link BudgetError}, before allocating) when the collapsed conv would
   * cost more than `maxCostRatio` times the multiply-adds of the expression evaluated node by
   * node, per position of the input (borders aside). Default: no limit; `@reparam/onnx` uses 1.
   */
  maxCostRatio?: number;
  /**
   * The matrix product of sequential composition (III); default {@link jsMatrixProduct}
   * (float64). A float32 product (`@reparam/wasm`'s) is used for float32 results only.
   */
  product?: MatrixProduct;
}

/**
 * Collapses a linear block into the one convolution that computes the same function, by the
 * rules of the algebra: batch-norm folding (I), branch addition (II), sequential composition
 * (III), depth concatenation (IV), average pooling as a conv (V), kernel embedding and identity
 * (VI), and homogeneity. The result has non-negative padding (crops become zero taps).
 * First a pass over shapes alone computes every merge's size and checks the memory budget and
 * the cost rule ({@link BudgetError}) before anything is allocated; then the numbers. Throws
 * {@link NotEquivalentError} naming the rule and the values when no single conv is exact.
 */
export function collapse(expr: Expr, options: CollapseOptions = {}): Conv {
  checkDepth(expr, 'collapse');
  const channels = options.inChannels ?? inputChannels(expr);
  if (channels === undefined) {
    throw new ShapeError(
      'collapse: the expression does not say how many channels it reads (only zero padding); add a node with channels',
    );
  }
  checkShapes(expr, channels, options);
  const product =
    options.product === undefined ||
    (options.product.precision === 'float32' && options.precision === 'float64')
      ? jsMatrixProduct
      : options.product;
  return withScratch(() => {
    const node = collapseNode(expr, channels, options.inputSize, product);
    if (node.geometry.padding.some((p) => p < 0)) traceStep('crop as zero taps');
    return finish(withNonNegativePadding(node, 'collapse'), channels, options);
  });
}

/** The shape pass: cost rule, then memory budget, before anything is allocated. */
function checkShapes(expr: Expr, channels: number, options: CollapseOptions): void {
  const budget: ShapeBudget = { maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES, trainingMacs: 0 };
  const result = finalShape(shapePass(expr, channels, options.inputSize, [1, 1], 'expr', budget));
  const bytesPerValue = options.precision === 'float64' ? 8 : 4;
  checkBytes(bytesPerValue * weightSize(result), 'the result', result, budget);
  const ratio = options.maxCostRatio;
  const macs = convMacsPerInput(result);
  if (ratio !== undefined && macs > ratio * budget.trainingMacs) {
    throw new BudgetError(
      'the result',
      macs,
      ratio * budget.trainingMacs,
      'multiply-adds',
      `collapse: one [${result.shape.join(', ')}] conv would cost ${fmtCount(macs)} multiply-adds per input position, the expression node by node ${fmtCount(budget.trainingMacs)} (maxCostRatio ${ratio}); nothing was allocated`,
    );
  }
  if (budget.overBudget !== undefined) throw budget.overBudget;
}

const fmtCount = (n: number): string => (n >= 1e4 ? n.toExponential(2) : `${+n.toPrecision(4)}`);

/** Checks the collapsed block pads with zeros, and writes its weight. */
function finish(result: FillConv, channels: number, options: CollapseOptions): Conv {
  if (padsInput(result) && !sameValues(result.fill, undefined, channels)) {
    throw new NotEquivalentError(
      'collapse',
      `the block pads its input with ${describeFill(result.fill)}, a convolution pads with zeros; put the pad-with-values stage after a 1x1 stage whose bias it repeats`,
    );
  }
  const { shape, geometry } = result;
  if (options.precision === 'float64') {
    const weight = new Float64Array(weightSize(result));
    writeWeight(result, weight, true);
    const bias = Float64Array.from(result.bias);
    checkFiniteBias(bias, bias, 'float64');
    return { shape, geometry, weight, bias };
  }
  const weight = new Float32Array(weightSize(result));
  writeWeight(result, weight, true);
  const bias = new Float32Array(result.bias);
  checkFiniteBias(bias, result.bias, 'float32');
  return { shape, geometry, weight, bias };
}

/** Refuses a bias with an infinite or NaN entry (see {@link writeWeight} for the weight). */
function checkFiniteBias(bias: ArrayLike<number>, exact: ArrayLike<number>, format: string): void {
  for (let i = 0; i < bias.length; i++) {
    if (!Number.isFinite(bias[i])) throw notFinite('bias', i, bias[i], exact[i], format);
  }
}

function depthwise(
  channels: number,
  weight: ArrayLike<number>,
  padding: readonly [number, number, number, number] = [0, 0, 0, 0],
  fill?: Float64Array,
): FillConv {
  return toFillConv(
    {
      shape: [channels, 1, 1, 1],
      weight: Float64Array.from(weight),
      bias: new Float64Array(channels),
      geometry: { stride: [1, 1], padding, dilation: [1, 1], groups: channels },
    },
    fill,
  );
}

type Size = readonly [number, number] | undefined;

function collapseNode(expr: Expr, channels: number, size: Size, product: MatrixProduct): FillConv {
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
      return toFillConv(batchNormAsConv(expr.batchNorm));
    case 'identity':
      expectChannels(expr.channels, 'an identity');
      traceStep('VI identity as a conv');
      return toFillConv(identityConv(channels, 1, channels));
    case 'scale':
      expectChannels(expr.factors.length, 'a scale');
      traceStep('scale channels');
      return depthwise(channels, expr.factors);
    case 'avgPool':
      expectChannels(expr.channels, 'an avgPool');
      traceStep('V average pool as a conv');
      return toFillConv(avgPoolAsConv(expr));
    case 'pad': {
      if (expr.fill !== 'zero') expectChannels(expr.fill.length, 'a pad fill');
      traceStep('pad as a conv');
      const fill = expr.fill === 'zero' ? undefined : Float64Array.from(expr.fill);
      return depthwise(channels, new Float64Array(channels).fill(1), expr.padding, fill);
    }
    case 'sum': {
      const terms = expr.terms.map((t) => collapseNode(t, channels, size, product));
      return traceMerge('II add branches', terms, sumFillConvs(terms, 'collapse(sum)', size));
    }
    case 'concat': {
      const parts = expr.parts.map((p) => collapseNode(p, channels, size, product));
      return traceMerge(
        'IV concatenate outputs',
        parts,
        concatFillConvs(parts, 'collapse(concat)', size),
      );
    }
    case 'sequence': {
      const [head, next] = expr.stages;
      // conv then batch-norm, the commonest pair: the batch-norm only rescales the conv's rows.
      const folded =
        head.kind === 'conv' &&
        next?.kind === 'batchNorm' &&
        next.batchNorm.gamma.length === head.conv.shape[0];
      let acc = folded
        ? foldConvBatchNorm(head.conv, next.batchNorm, channels)
        : collapseNode(head, channels, size, product);
      for (const stage of expr.stages.slice(folded ? 2 : 1)) {
        const stageConv = collapseNode(stage, acc.shape[0], outputSize(acc, size), product);
        traceComposition(stageConv);
        acc = composeFillConvs(acc, stageConv, 'collapse(sequence)', product);
      }
      return acc;
    }
    default:
      return assertNever(expr, 'collapse');
  }
}

/** Batch-norm folding (I) without touching the weights: the conv's rows get the batch-norm's factors. */
function foldConvBatchNorm(c: Conv, bn: BatchNorm, channels: number): FillConv {
  validateConv(c, 'collapse');
  const cin = c.shape[1] * c.geometry.groups;
  if (cin !== channels) {
    throw new ShapeError(`collapse: a conv has ${cin} channels, its input has ${channels}`);
  }
  traceStep('I fold batch-norm into a conv');
  const { scale, bias } = batchNormFactors(bn, c.bias);
  return {
    shape: c.shape,
    geometry: c.geometry,
    bias,
    parts: [{ conv: c, rowScale: scale, outOffset: 0 }],
  };
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
