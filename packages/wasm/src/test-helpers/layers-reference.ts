import { conv2dReference, tensor, type Conv, type Tensor } from '@reparam/core';

/** float64 ReLU. */
export function reluRef(t: Tensor): Tensor {
  return tensor(
    t.shape,
    t.data.map((v) => Math.max(0, v)),
  );
}

/** float64 pooling written out per output (an oracle independent of pooling.ts). */
export function poolRef(
  t: Tensor,
  mode: 'max' | 'avg',
  k: number,
  s: number,
  pad: number,
  includePad: boolean,
): Tensor {
  const [n, c, h, w] = t.shape;
  const ho = Math.floor((h + 2 * pad - k) / s) + 1;
  const wo = Math.floor((w + 2 * pad - k) / s) + 1;
  const out = tensor([n, c, ho, wo]);
  let o = 0;
  for (let p = 0; p < n * c; p++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const taps: number[] = [];
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            const y = oy * s - pad + i;
            const x = ox * s - pad + j;
            if (y >= 0 && y < h && x >= 0 && x < w) taps.push(t.data[(p * h + y) * w + x]);
          }
        }
        const sum = taps.reduce((a, b) => a + b, 0);
        out.data[o++] =
          mode === 'max' ? Math.max(...taps) : sum / (includePad ? k * k : taps.length);
      }
    }
  }
  return out;
}

/** Global average pooling as core's conv: depthwise, weight 1 / (h w) on every tap. */
export function gapRef(t: Tensor): Tensor {
  const [, c, h, w] = t.shape;
  const conv: Conv = {
    shape: [c, 1, h, w],
    weight: new Float64Array(c * h * w).fill(1 / (h * w)),
    bias: new Float64Array(c),
    geometry: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: c },
  };
  return conv2dReference(t, conv);
}

/** Flatten then a dense layer, as core's 1x1 conv. */
export function gemmRef(t: Tensor, weight: Float32Array, bias: Float32Array): Tensor {
  const [n, c, h, w] = t.shape;
  const inputs = c * h * w;
  const flat = tensor([n, inputs, 1, 1], t.data);
  const conv: Conv = {
    shape: [bias.length, inputs, 1, 1],
    weight,
    bias,
    geometry: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 },
  };
  return conv2dReference(flat, conv);
}
