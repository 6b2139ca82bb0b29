/**
 * The shared conformance suite (@reparam/conformance) on tfjs cpu and wasm, through the deploy
 * path: `deployLayers` builds the Conv2D / DepthwiseConv2D (+ ZeroPadding2D) that
 * `reparameterize` would emit. tfjs has no grouped conv, so for 1 < groups < channels the
 * runtime splits channels, runs one deploy conv per group and concatenates; nor stride and
 * dilation both > 1, so there it runs stride 1 and subsamples.
 */
import * as tf from '@tensorflow/tfjs';
import { describeRuntime } from '@reparam/conformance';
import { makeConv, type Conv, type Tensor } from '@reparam/core';
import { deployLayers } from './deploy-conv.js';
import { nchwToNhwc, nhwcToNchw, type Shape4 } from './layout.js';
import { useBackend } from './test-helpers/backends.js';

function applyConv(x: tf.Tensor4D, conv: Conv): tf.Tensor4D {
  const { stride, dilation } = conv.geometry;
  // tfjs refuses stride > 1 with dilation > 1: run stride 1 and keep every stride-th output.
  const both = stride.some((v) => v > 1) && dilation.some((v) => v > 1);
  const c = both ? { ...conv, geometry: { ...conv.geometry, stride: [1, 1] as const } } : conv;
  let y: tf.Tensor4D = x;
  for (const l of deployLayers(c, 'linear', 'conformance')) y = l.apply(y) as tf.Tensor4D;
  return both
    ? (tf.stridedSlice(y, [0, 0, 0, 0], y.shape, [1, stride[0], stride[1], 1]) as tf.Tensor4D)
    : y;
}

function groupSlices(conv: Conv): Conv[] {
  const [o, ipg, kh, kw] = conv.shape;
  const g = conv.geometry.groups;
  const per = (o / g) * ipg * kh * kw;
  return Array.from({ length: g }, (_, i) =>
    makeConv({
      shape: [o / g, ipg, kh, kw],
      weight: conv.weight.slice(i * per, (i + 1) * per),
      bias: conv.bias.slice((i * o) / g, ((i + 1) * o) / g),
      stride: conv.geometry.stride,
      padding: conv.geometry.padding,
      dilation: conv.geometry.dilation,
    }),
  );
}

function runtime(backend: 'cpu' | 'wasm'): Parameters<typeof describeRuntime>[0] {
  return {
    name: `tfjs ${backend} (deploy layers)`,
    async run(input: Tensor, conv: Conv): Promise<ArrayLike<number>> {
      await useBackend(backend);
      const { data, shape } = nchwToNhwc(input);
      const y = tf.tidy(() => {
        const x = tf.tensor4d(data, [...shape]);
        const g = conv.geometry.groups;
        const cin = conv.shape[1] * g;
        return g === 1 || (g === cin && conv.shape[1] === 1)
          ? applyConv(x, conv)
          : tf.concat(
              groupSlices(conv).map((c, i) =>
                applyConv(
                  tf.slice(x, [0, 0, 0, i * conv.shape[1]], [-1, -1, -1, conv.shape[1]]),
                  c,
                ),
              ),
              3,
            );
      });
      const values = y.dataSync();
      const outShape = y.shape as unknown as Shape4;
      y.dispose();
      return nhwcToNchw(values, outShape).data;
    },
  };
}

describeRuntime(runtime('cpu'));
describeRuntime(runtime('wasm'));
