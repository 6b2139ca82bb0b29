import * as tf from '@tensorflow/tfjs';
import { ShapeError, type Conv } from '@reparam/core';
import { oihwToDepthwise, oihwToHwio } from './layout.js';
import type { ActivationName } from './layers/_internal/activation.js';

/**
 * The tfjs layers computing one collapsed conv (OIHW, non-negative padding) then `activation`:
 * a `Conv2D` (groups 1) or `DepthwiseConv2D` (groups = input channels, `[c*m, 1, kh, kw]`),
 * with padding `'valid'`, `'same'` when tfjs's same-padding is the conv's padding (stride 1,
 * odd kernel, symmetric), or a `ZeroPadding2D` in front otherwise. Other group counts, and
 * stride > 1 together with dilation > 1, are refused: tfjs has neither.
 */
export function deployLayers(
  conv: Conv,
  activation: ActivationName,
  name: string,
): tf.layers.Layer[] {
  const [out, inPerGroup, kh, kw] = conv.shape;
  const { stride, padding, dilation, groups } = conv.geometry;
  const cin = inPerGroup * groups;
  const depthwise = groups > 1;
  if (depthwise && (inPerGroup !== 1 || groups !== cin)) {
    throw new ShapeError(
      `deployLayers: '${name}' collapses to a conv with groups ${groups} over ${cin} input channels; tfjs has only dense (groups 1) and depthwise convs`,
    );
  }
  if (stride.some((v) => v > 1) && dilation.some((v) => v > 1)) {
    throw new ShapeError(
      `deployLayers: '${name}' has stride [${stride.join(', ')}] and dilation [${dilation.join(', ')}]; tfjs convs take one or the other > 1, not both`,
    );
  }
  if (padding.some((p) => p < 0))
    throw new ShapeError(`deployLayers: '${name}' has negative padding [${padding.join(', ')}]`);
  const [t, l, b, r] = padding;
  const zero = padding.every((p) => p === 0);
  const same =
    !zero &&
    stride[0] === 1 &&
    stride[1] === 1 &&
    kh % 2 === 1 &&
    kw % 2 === 1 &&
    t === b &&
    l === r &&
    t === (dilation[0] * (kh - 1)) / 2 &&
    l === (dilation[1] * (kw - 1)) / 2;
  const layers: tf.layers.Layer[] = [];
  if (!zero && !same)
    layers.push(
      tf.layers.zeroPadding2d({
        padding: [
          [t, b],
          [l, r],
        ],
        name: `${name}_pad`,
      }),
    );
  const kernel = depthwise
    ? oihwToDepthwise(conv.weight, conv.shape, cin)
    : oihwToHwio(conv.weight, conv.shape);
  const weights = [
    tf.tensor4d(kernel.kernel, [...kernel.shape]),
    tf.tensor1d(Float32Array.from(conv.bias)),
  ];
  const common = {
    kernelSize: [kh, kw] as [number, number],
    strides: [stride[0], stride[1]] as [number, number],
    dilationRate: [dilation[0], dilation[1]] as [number, number],
    padding: same ? ('same' as const) : ('valid' as const),
    activation,
    useBias: true,
    weights,
    name,
  };
  layers.push(
    depthwise
      ? tf.layers.depthwiseConv2d({
          ...common,
          kernelSize: common.kernelSize,
          depthMultiplier: out / cin,
        })
      : tf.layers.conv2d({ ...common, filters: out }),
  );
  return layers;
}
