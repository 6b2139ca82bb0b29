import type * as tf from '@tensorflow/tfjs';
import { collapse, ShapeError, type Kernel } from '@reparam/core';
import { ReparamLayer } from '../layers/reparam-layer.js';
import type { RefConv2D } from '../layers/ref-conv2d.js';
import { depthwiseToOihw, hwioToOihw, type Shape4 } from '../layout.js';

/** The OIHW kernel of one conv layer of a model. */
export interface LayerKernel extends Kernel {
  readonly layer: string;
  readonly depthwise: boolean;
}

/** Options of {@link convKernels}. */
export interface ConvKernelsOptions {
  /** Only square kernels of this size (e.g. 3 for ACNet's skeleton); default all. */
  readonly kernelSize?: number;
}

function oihw(t: tf.Tensor, depthwise: boolean): Kernel {
  const shape = t.shape as unknown as Shape4;
  return depthwise ? depthwiseToOihw(t.dataSync(), shape) : hwioToOihw(t.dataSync(), shape);
}

/**
 * The kernels of a model's convolutions in OIHW, in layer order: `Conv2D` and `DepthwiseConv2D`
 * weights as they are, and every re-parameterizable block as the one conv it collapses to
 * (core's `collapse` of its `toExpr()`), so a training model shows its kernels "after fusion".
 * Layers of nested models are not searched.
 */
export function convKernels(
  model: tf.LayersModel,
  options: ConvKernelsOptions = {},
): LayerKernel[] {
  const out: LayerKernel[] = [];
  for (const layer of model.layers) {
    let kernel: Kernel | undefined;
    let depthwise = false;
    if (layer instanceof ReparamLayer) {
      const conv = collapse(layer.toExpr());
      kernel = { shape: conv.shape, weight: conv.weight };
      depthwise = layer.depthwise;
    } else if (layer.getClassName() === 'Conv2D' || layer.getClassName() === 'DepthwiseConv2D') {
      depthwise = layer.getClassName() === 'DepthwiseConv2D';
      kernel = oihw(layer.getWeights()[0], depthwise);
    }
    if (kernel === undefined) continue;
    const k = options.kernelSize;
    if (k !== undefined && (kernel.shape[2] !== k || kernel.shape[3] !== k)) continue;
    out.push({ ...kernel, layer: layer.name, depthwise });
  }
  return out;
}

/**
 * RefConv's two kernels of a {@link RefConv2D} layer in OIHW: the frozen base `W_b` and the
 * transformed `W_t = W_b + W_b * W_r` that the layer convolves with (and deploys).
 */
export function refConvKernels(layer: RefConv2D): { base: Kernel; transformed: Kernel } {
  const base = layer.weights.find((w) => w.originalName.endsWith('base_kernel'));
  if (base === undefined) {
    throw new ShapeError(
      `refConvKernels: layer '${layer.name}' has no base kernel yet; build it (call the model once) first`,
    );
  }
  const transformed = layer.transformedKernel();
  try {
    return {
      base: oihw(base.read(), layer.depthwise),
      transformed: oihw(transformed, layer.depthwise),
    };
  } finally {
    transformed.dispose();
  }
}
