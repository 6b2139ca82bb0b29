import { validateConv } from './conv.js';
import { ShapeError } from './errors.js';
import { outputLength } from './geometry.js';
import type { Conv, Floats, Tensor } from './types.js';

/**
 * Direct 2-D convolution in float64, NCHW: any stride, dilation, groups and asymmetric padding
 * (negative padding crops). `y[n,o,p,q] = b[o] + sum W[o,i,u,v] * x[n, g*I/g + i, p*sh + u*dh - top, q*sw + v*dw - left]`.
 * The oracle every fusion is checked against: it evaluates exactly what it is given, no tricks.
 */
export function conv2dReference(input: Tensor, conv: Conv): Tensor {
  return conv2dWithFill(input, conv, undefined);
}

/**
 * {@link conv2dReference} where padded positions hold `fill[c]` for input channel `c` instead
 * of zero (the pad-with-bias layer of DBB).
 * @internal
 */
export function conv2dWithFill(input: Tensor, conv: Conv, fill: Floats | undefined): Tensor {
  validateConv(conv, 'conv2dReference');
  const [n, c, h, w] = input.shape;
  const [outC, inPerGroup, kh, kw] = conv.shape;
  const { stride, padding, dilation, groups } = conv.geometry;
  if (inPerGroup * groups !== c) {
    throw new ShapeError(
      `conv2dReference: input has ${c} channels, the conv expects ${inPerGroup * groups} (${inPerGroup} x groups ${groups})`,
    );
  }
  const [top, left, bottom, right] = padding;
  const ho = outputLength(h, kh, stride[0], top, bottom, dilation[0]);
  const wo = outputLength(w, kw, stride[1], left, right, dilation[1]);
  if (ho < 1 || wo < 1) {
    throw new ShapeError(
      `conv2dReference: input ${h}x${w} is too small for the conv (output ${ho}x${wo})`,
    );
  }
  const out = new Float64Array(n * outC * ho * wo);
  const x = input.data;
  const wt = conv.weight;
  const outPerGroup = outC / groups;
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < outC; o++) {
      const g = Math.floor(o / outPerGroup);
      const outBase = (b * outC + o) * ho * wo;
      for (let p = 0; p < ho; p++) {
        for (let q = 0; q < wo; q++) {
          let acc = conv.bias[o];
          for (let i = 0; i < inPerGroup; i++) {
            const ch = g * inPerGroup + i;
            const inBase = (b * c + ch) * h * w;
            const wBase = (o * inPerGroup + i) * kh * kw;
            const padValue = fill === undefined ? 0 : fill[ch];
            for (let u = 0; u < kh; u++) {
              const y = p * stride[0] + u * dilation[0] - top;
              const rowInside = y >= 0 && y < h;
              for (let v = 0; v < kw; v++) {
                const xx = q * stride[1] + v * dilation[1] - left;
                const value = rowInside && xx >= 0 && xx < w ? x[inBase + y * w + xx] : padValue;
                acc += wt[wBase + u * kw + v] * value;
              }
            }
          }
          out[outBase + p * wo + q] = acc;
        }
      }
    }
  }
  return { shape: [n, outC, ho, wo], data: out };
}
