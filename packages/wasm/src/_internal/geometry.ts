import type { Conv } from '@reparam/core';
import { ShapeError } from '@reparam/core';

/** Input and output planes of one conv on an N x C x H x W input. */
export interface ConvDims {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly o: number;
  readonly ho: number;
  readonly wo: number;
}

function positiveInt(v: number): boolean {
  return Number.isInteger(v) && v > 0;
}

/** Checks a conv's own consistency (shape vs weight, bias, geometry); names the offending values. */
export function validateConv(fn: string, conv: Conv): void {
  const [o, ig, kh, kw] = conv.shape;
  const { stride, dilation, padding, groups } = conv.geometry;
  if (![o, ig, kh, kw].every(positiveInt))
    throw new ShapeError(`${fn}: conv shape [${conv.shape.join(', ')}] must be positive integers`);
  if (conv.weight.length !== o * ig * kh * kw)
    throw new ShapeError(
      `${fn}: weight has ${conv.weight.length} values, shape [${conv.shape.join(', ')}] needs ${o * ig * kh * kw}`,
    );
  if (conv.bias.length !== o)
    throw new ShapeError(
      `${fn}: bias has ${conv.bias.length} values, the conv has ${o} output channels`,
    );
  if (![...stride, ...dilation, groups].every(positiveInt))
    throw new ShapeError(
      `${fn}: stride [${stride.join(', ')}], dilation [${dilation.join(', ')}] and groups ${groups} must be positive integers`,
    );
  if (!padding.every(Number.isInteger))
    throw new ShapeError(`${fn}: padding [${padding.join(', ')}] must be integers`);
  if (o % groups !== 0)
    throw new ShapeError(`${fn}: ${o} output channels are not divisible by groups ${groups}`);
}

/** Output size of `conv` on an [n, c, h, w] input; throws if channels or sizes do not fit. */
export function convDims(fn: string, conv: Conv, shape: readonly number[]): ConvDims {
  if (shape.length !== 4 || !shape.every(positiveInt))
    throw new ShapeError(
      `${fn}: input shape [${shape.join(', ')}] must be 4 positive integers (NCHW)`,
    );
  const [n, c, h, w] = shape;
  const [o, ig, kh, kw] = conv.shape;
  const { stride, dilation, padding, groups } = conv.geometry;
  if (ig * groups !== c)
    throw new ShapeError(
      `${fn}: input has ${c} channels, conv expects ${ig} x groups ${groups} = ${ig * groups}`,
    );
  const ho = Math.floor((h + padding[0] + padding[2] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1;
  const wo = Math.floor((w + padding[1] + padding[3] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1;
  if (ho <= 0 || wo <= 0)
    throw new ShapeError(
      `${fn}: a ${kh}x${kw} kernel (dilation [${dilation.join(', ')}]) on ${h}x${w} with padding [${padding.join(', ')}] leaves a ${ho}x${wo} output`,
    );
  return { n, c, h, w, o, ho, wo };
}
