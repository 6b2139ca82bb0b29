import { collapse } from './collapse.js';
import { ShapeError } from './errors.js';
import type { Expr } from './expr.js';
import { outputLength } from './geometry.js';
import type { Conv } from './types.js';
import { assertNever } from './_internal/assert-never.js';
import { checkDepth } from './_internal/depth.js';

type Shape = readonly [number, number, number, number];

/** Size of one form of a block on a given input. */
export interface Cost {
  /** Learnable parameters: conv weights, non-zero biases, batch-norm gamma and beta, scales. */
  params: number;
  /** Multiply-adds of one forward pass. */
  macs: number;
  /** Values of every node's output, what training keeps for the backward pass. */
  activations: number;
}

/**
 * Parameters, multiply-adds and activation values of an expression in its training form (every
 * node evaluated separately) and in its collapsed form (one conv): the columns of the RefConv
 * paper's comparison table. `input` is NCHW.
 */
export function costOf(
  expr: Expr,
  input: Shape,
  options: CostOptions = {},
): { training: Cost; collapsed: Cost; outputShape: Shape; conv: Conv } {
  checkDepth(expr, 'costOf');
  const training: Cost = { params: 0, macs: 0, activations: 0 };
  const outputShape = walk(expr, input, training);
  const collapsed: Cost = { params: 0, macs: 0, activations: 0 };
  const conv = options.conv ?? collapse(expr, { inputSize: [input[2], input[3]] });
  walk({ kind: 'conv', conv }, input, collapsed);
  return { training, collapsed, outputShape, conv };
}

/** Options of {@link costOf}. */
export interface CostOptions {
  /** The expression's collapsed conv, if the caller has it already (it is returned as `conv`). */
  conv?: Conv;
}

function convCost(c: Conv, x: Shape, cost: Cost): Shape {
  const [n, , h, w] = x;
  const [o, ipg, kh, kw] = c.shape;
  const { stride, padding, dilation } = c.geometry;
  const ho = outputLength(h, kh, stride[0], padding[0], padding[2], dilation[0]);
  const wo = outputLength(w, kw, stride[1], padding[1], padding[3], dilation[1]);
  if (ho < 1 || wo < 1)
    throw new ShapeError(`costOf: input ${h}x${w} is too small for a ${kh}x${kw} conv`);
  cost.params += c.weight.length + (c.bias.some((b) => b !== 0) ? o : 0);
  cost.macs += n * o * ho * wo * ipg * kh * kw;
  return [n, o, ho, wo];
}

function walk(e: Expr, x: Shape, cost: Cost): Shape {
  const size = (s: Shape) => s[0] * s[1] * s[2] * s[3];
  let out: Shape;
  switch (e.kind) {
    case 'conv':
      out = convCost(e.conv, x, cost);
      break;
    case 'batchNorm':
      cost.params += 2 * e.batchNorm.gamma.length;
      cost.macs += size(x);
      out = x;
      break;
    case 'scale':
      cost.params += e.factors.length;
      cost.macs += size(x);
      out = x;
      break;
    case 'identity':
      return x;
    case 'avgPool': {
      const ho = outputLength(x[2], e.kernel[0], e.stride[0], e.padding[0], e.padding[2], 1);
      const wo = outputLength(x[3], e.kernel[1], e.stride[1], e.padding[1], e.padding[3], 1);
      out = [x[0], x[1], ho, wo];
      cost.macs += size(out) * e.kernel[0] * e.kernel[1];
      break;
    }
    case 'pad':
      out = [x[0], x[1], x[2] + e.padding[0] + e.padding[2], x[3] + e.padding[1] + e.padding[3]];
      break;
    case 'sequence':
      return e.stages.reduce((s, stage) => walk(stage, s, cost), x);
    case 'sum':
      out = e.terms.map((t) => walk(t, x, cost))[0];
      break;
    case 'concat': {
      const parts = e.parts.map((p) => walk(p, x, cost));
      out = [parts[0][0], parts.reduce((a, p) => a + p[1], 0), parts[0][2], parts[0][3]];
      break;
    }
    default:
      return assertNever(e, 'costOf');
  }
  cost.activations += size(out);
  return out;
}
