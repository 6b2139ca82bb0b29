import { collapse } from '../collapse.js';
import { makeConv } from '../conv.js';
import { conv2dReference } from '../conv2d-reference.js';
import { ShapeError } from '../errors.js';
import { evaluate } from '../evaluate.js';
import { avgPool, pad, type Expr } from '../expr.js';
import type { GeometryOptions } from '../geometry.js';
import type { ConvBnWeights } from '../recipes/conv-bn.js';
import type { BatchNorm, Floats, Padding4, Tensor } from '../types.js';
import { expectClose, ToleranceError } from './assertions.js';

type Shape4 = readonly [number, number, number, number];

/** `W * x + b`, OIHW weight of `shape`, any geometry. */
function convolve(
  x: Tensor,
  weight: Floats,
  shape: Shape4,
  options: GeometryOptions & { bias?: Floats } = {},
): Tensor {
  return conv2dReference(x, makeConv({ ...options, shape, weight }));
}

/** `gamma * (x - mean) / sqrt(variance + epsilon) + beta`, per channel. */
function normalize(x: Tensor, bn: BatchNorm): Tensor {
  const [, c, h, w] = x.shape;
  if (bn.gamma.length !== c) {
    throw new ShapeError(`direct.batchNorm: ${bn.gamma.length} channels, the input has ${c}`);
  }
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < data.length; i++) {
    const ch = Math.floor(i / (h * w)) % c;
    data[i] =
      (bn.gamma[ch] * (x.data[i] - bn.mean[ch])) / Math.sqrt(bn.variance[ch] + bn.epsilon) +
      bn.beta[ch];
  }
  return { shape: x.shape, data };
}

/** Channel c times `factors[c]`. */
function multiply(x: Tensor, factors: Floats): Tensor {
  const [, c, h, w] = x.shape;
  if (factors.length !== c) {
    throw new ShapeError(`direct.scale: ${factors.length} factors, the input has ${c} channels`);
  }
  const data = x.data.map((v, i) => v * factors[Math.floor(i / (h * w)) % c]);
  return { shape: x.shape, data };
}

/**
 * The operations a paper writes its block with, applied directly to a float64 NCHW tensor. A
 * recipe test writes the block's formula with these, over the same named weights the recipe
 * takes, and compares with `collapse(recipe(weights))` ({@link expectMatchesDefinition}): the
 * structure then comes from the paper, not from the recipe's `Expr`, so a recipe that builds
 * the wrong block fails. Each operation is the oracle's own direct evaluation.
 */
export const direct = {
  conv: convolve,
  batchNorm: normalize,
  /** A branch of named weights: the conv (with its bias), then its batch-norm and scale if it has them. */
  convBn(x: Tensor, w: ConvBnWeights, shape: Shape4, options: GeometryOptions = {}): Tensor {
    const y = convolve(x, w.weight, shape, { ...options, bias: w.bias });
    const z = w.batchNorm ? normalize(y, w.batchNorm) : y;
    return w.scale ? multiply(z, w.scale) : z;
  },
  /** Channel c times `factors[c]`. */
  scale: multiply,
  /** Element-wise sum of same-shaped tensors. */
  add(...xs: Tensor[]): Tensor {
    const data = new Float64Array(xs[0].data.length);
    for (const x of xs) {
      if (x.shape.join() !== xs[0].shape.join()) {
        throw new ShapeError(
          `direct.add: shapes ${xs[0].shape.join('x')} and ${x.shape.join('x')}`,
        );
      }
      for (let i = 0; i < data.length; i++) data[i] += x.data[i];
    }
    return { shape: xs[0].shape, data };
  },
  /** Spatial padding `[top, left, bottom, right]` with zeros or a value per channel; negative crops. */
  pad(x: Tensor, amounts: number | Padding4, fill: 'zero' | Floats = 'zero'): Tensor {
    return evaluate(pad(amounts, fill), x);
  },
  /** Average pooling, padded positions counted in the divisor (PyTorch's default). */
  avgPool(x: Tensor, kernel: number, stride: number, padding = 0): Tensor {
    return evaluate(avgPool({ channels: x.shape[1], kernel, stride, padding }), x);
  },
};

/**
 * Asserts that the one conv `collapse(expr)` computes what the paper's `definition` computes on
 * `input`: float64 to 1e-10 x max|y|, float32 to 1e-5 x max|y|, no negative padding.
 */
export function expectMatchesDefinition(
  expr: Expr,
  definition: (x: Tensor) => Tensor,
  input: Tensor,
): void {
  const expected = definition(input);
  const exact = collapse(expr, { precision: 'float64' });
  if (exact.geometry.padding.some((p) => p < 0)) {
    throw new ToleranceError(
      `expectMatchesDefinition: collapse returned padding ${exact.geometry.padding.join(', ')}`,
    );
  }
  expectClose(conv2dReference(input, exact), expected, 1e-10);
  expectClose(conv2dReference(input, collapse(expr)), expected, 1e-5);
}
