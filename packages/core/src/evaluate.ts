import { conv2dReference } from './conv2d-reference.js';
import { ShapeError } from './errors.js';
import type { Expr } from './expr.js';
import { fmt, outputLength } from './geometry.js';
import type { Tensor } from './types.js';
import { assertNever } from './_internal/assert-never.js';
import { checkDepth } from './_internal/depth.js';

/**
 * Evaluates an {@link Expr} on an NCHW input directly, node by node, in float64: branches are
 * computed separately and added, batch-norm and pooling are applied as defined. This is the
 * oracle that {@link collapse} is tested against; it shares no fusion code with it.
 */
export function evaluate(expr: Expr, input: Tensor): Tensor {
  checkDepth(expr, 'evaluate');
  checkTensor(input, 'evaluate');
  return evaluateNode(expr, input);
}

/** Throws a {@link ShapeError} naming `fn` unless `t` is an NCHW tensor whose data fills its shape. */
function checkTensor(t: Tensor, fn: string): void {
  const shape = t.shape as readonly number[];
  if (shape.length !== 4 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new ShapeError(`${fn}: input shape ${fmt(shape)} must be four sizes (NCHW)`);
  const n = shape.reduce((a, d) => a * d, 1);
  if (t.data.length !== n)
    throw new ShapeError(
      `${fn}: input data has ${t.data.length} entries, its shape ${fmt(shape)} needs ${n}`,
    );
}

function evaluateNode(expr: Expr, input: Tensor): Tensor {
  switch (expr.kind) {
    case 'conv':
      return conv2dReference(input, expr.conv);
    case 'batchNorm': {
      const { gamma, beta, mean, variance, epsilon } = expr.batchNorm;
      return perChannel(
        input,
        gamma.length,
        'batchNorm',
        (c, v) => ((v - mean[c]) / Math.sqrt(variance[c] + epsilon)) * gamma[c] + beta[c],
      );
    }
    case 'identity':
      return perChannel(input, expr.channels, 'identity', (_c, v) => v);
    case 'scale':
      return perChannel(input, expr.factors.length, 'scale', (c, v) => v * expr.factors[c]);
    case 'avgPool':
      return averagePool(expr, input);
    case 'pad':
      return padTensor(input, expr.padding, expr.fill);
    case 'sum': {
      const outs = expr.terms.map((t) => evaluateNode(t, input));
      const data = new Float64Array(outs[0].data.length);
      for (const o of outs) {
        if (fmt(o.shape) !== fmt(outs[0].shape)) {
          throw new ShapeError(
            `evaluate: sum terms have shapes ${fmt(outs[0].shape)} and ${fmt(o.shape)}`,
          );
        }
        for (let i = 0; i < data.length; i++) data[i] += o.data[i];
      }
      return { shape: outs[0].shape, data };
    }
    case 'sequence':
      return expr.stages.reduce((x, stage) => evaluateNode(stage, x), input);
    case 'concat':
      return concatChannels(expr.parts.map((p) => evaluateNode(p, input)));
    default:
      return assertNever(expr, 'evaluate');
  }
}

function perChannel(
  input: Tensor,
  channels: number,
  fn: string,
  f: (c: number, v: number) => number,
): Tensor {
  const [n, c, h, w] = input.shape;
  if (c !== channels)
    throw new ShapeError(`evaluate: ${fn} has ${channels} channels, its input has ${c}`);
  const data = new Float64Array(input.data.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (b * c + ch) * h * w;
      for (let i = 0; i < h * w; i++) data[base + i] = f(ch, input.data[base + i]);
    }
  }
  return { shape: input.shape, data };
}

function averagePool(e: Extract<Expr, { kind: 'avgPool' }>, input: Tensor): Tensor {
  const [n, c, h, w] = input.shape;
  if (c !== e.channels)
    throw new ShapeError(`evaluate: avgPool has ${e.channels} channels, its input has ${c}`);
  const [top, left, bottom, right] = e.padding;
  const ho = outputLength(h, e.kernel[0], e.stride[0], top, bottom, 1);
  const wo = outputLength(w, e.kernel[1], e.stride[1], left, right, 1);
  if (ho < 1 || wo < 1) throw new ShapeError(`evaluate: input ${h}x${w} is too small for avgPool`);
  const data = new Float64Array(n * c * ho * wo);
  for (let b = 0; b < n * c; b++) {
    for (let p = 0; p < ho; p++) {
      for (let q = 0; q < wo; q++) {
        let total = 0;
        let inside = 0;
        for (let u = 0; u < e.kernel[0]; u++) {
          for (let v = 0; v < e.kernel[1]; v++) {
            const y = p * e.stride[0] + u - top;
            const x = q * e.stride[1] + v - left;
            if (y >= 0 && y < h && x >= 0 && x < w) {
              total += input.data[b * h * w + y * w + x];
              inside++;
            }
          }
        }
        const divisor = e.countIncludePad ? e.kernel[0] * e.kernel[1] : inside;
        data[(b * ho + p) * wo + q] = divisor === 0 ? 0 : total / divisor;
      }
    }
  }
  return { shape: [n, c, ho, wo], data };
}

function padTensor(
  input: Tensor,
  padding: readonly number[],
  fill: 'zero' | ArrayLike<number>,
): Tensor {
  const [n, c, h, w] = input.shape;
  const [top, left, bottom, right] = padding;
  const ho = h + top + bottom;
  const wo = w + left + right;
  if (ho < 1 || wo < 1)
    throw new ShapeError(`evaluate: pad ${fmt(padding)} leaves nothing of a ${h}x${w} input`);
  if (fill !== 'zero' && fill.length !== c) {
    throw new ShapeError(`evaluate: pad fill has ${fill.length} channels, its input has ${c}`);
  }
  const data = new Float64Array(n * c * ho * wo);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const value = fill === 'zero' ? 0 : fill[ch];
      const base = (b * c + ch) * ho * wo;
      for (let p = 0; p < ho; p++) {
        for (let q = 0; q < wo; q++) {
          const y = p - top;
          const x = q - left;
          data[base + p * wo + q] =
            y >= 0 && y < h && x >= 0 && x < w
              ? input.data[(b * c + ch) * h * w + y * w + x]
              : value;
        }
      }
    }
  }
  return { shape: [n, c, ho, wo], data };
}

function concatChannels(parts: Tensor[]): Tensor {
  const [n, , h, w] = parts[0].shape;
  for (const p of parts) {
    if (p.shape[0] !== n || p.shape[2] !== h || p.shape[3] !== w) {
      throw new ShapeError(
        `evaluate: concat parts have shapes ${fmt(parts[0].shape)} and ${fmt(p.shape)}`,
      );
    }
  }
  const c = parts.reduce((a, p) => a + p.shape[1], 0);
  const data = new Float64Array(n * c * h * w);
  for (let b = 0; b < n; b++) {
    let offset = 0;
    for (const p of parts) {
      const size = p.shape[1] * h * w;
      data.set(p.data.subarray(b * size, (b + 1) * size), (b * c + offset) * h * w);
      offset += p.shape[1];
    }
  }
  return { shape: [n, c, h, w], data };
}
