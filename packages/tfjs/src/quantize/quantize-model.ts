import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { cloneLayer, rewriteModel } from '../_internal/rewrite-model.js';
import { FakeQuantize } from './fake-quantize-layer.js';
import { fakeQuantize, INT8_MAX, int8Scales, type WeightGranularity } from './int8.js';

/** Options of {@link quantizeInt8}. */
export interface QuantizeInt8Options {
  /** One weight scale per kernel, or one per output channel (default `per-channel`). */
  weights?: WeightGranularity;
  /** Quantize each quantized layer's input too, with a scale calibrated on `calibration` (default true). */
  activations?: boolean;
  /** Calibration batch size (default 256). */
  batchSize?: number;
}

/** What {@link quantizeInt8} did to one layer. */
export interface QuantizedLayer {
  name: string;
  className: string;
  /** Its input's int8 step (`max |input| / 127` over the calibration data), if quantized. */
  inputScale?: number;
  /** The largest and smallest weight scale of its kernel. */
  weightScales: { min: number; max: number };
}

const quantizable = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

/** Output channels of a kernel's last axis: a depthwise kernel's `c m` are its last two. */
function channelsOf(layer: tf.layers.Layer, kernel: tf.Tensor): number {
  const s = kernel.shape as number[];
  return layer.getClassName() === 'DepthwiseConv2D' ? s[2] * s[3] : s[s.length - 1];
}

/** Largest |value| of each listed layer's input over the calibration data. */
function calibrate(
  model: tf.LayersModel,
  layers: readonly tf.layers.Layer[],
  calibration: tf.Tensor,
  batchSize: number,
): number[] {
  const probe = tf.model({
    inputs: model.inputs,
    outputs: layers.map((l) => l.input as tf.SymbolicTensor),
  });
  const max = layers.map(() => 0);
  const n = calibration.shape[0];
  for (let i = 0; i < n; i += batchSize) {
    tf.tidy(() => {
      const batch = tf.slice(calibration, i, Math.min(batchSize, n - i));
      const outs = probe.predict(batch);
      (Array.isArray(outs) ? outs : [outs]).forEach((t, j) => {
        max[j] = Math.max(max[j], tf.max(tf.abs(t)).dataSync()[0]);
      });
    });
  }
  return max;
}

/**
 * A copy of a deploy model (plain `Conv2D`, `DepthwiseConv2D`, `Dense` layers, as
 * `reparameterize` returns) that computes what a post-training int8 engine computes: every such
 * layer's kernel is quantized symmetrically to int8 (`clamp(round(w / s), -127, 127) s`, scale
 * `max |w| / 127` per tensor or per output channel), and its input goes through a
 * {@link FakeQuantize} with a per-tensor scale calibrated as `max |input| / 127` on
 * `calibration` (a batch of representative inputs). Biases stay float (an engine keeps them in
 * int32 at the product's scale, a negligible error). Returns the model and what was quantized.
 */
export function quantizeInt8(
  model: tf.LayersModel,
  calibration: tf.Tensor,
  options: QuantizeInt8Options = {},
): { model: tf.LayersModel; layers: QuantizedLayer[] } {
  const granularity = options.weights ?? 'per-channel';
  const targets = model.layers.filter((l) => quantizable.has(l.getClassName()));
  if (targets.length === 0)
    throw new ShapeError(
      `quantizeInt8: model '${model.name}' has no Conv2D, DepthwiseConv2D or Dense layer`,
    );
  for (const l of targets) {
    if (l.inboundNodes.length !== 1)
      throw new ShapeError(
        `quantizeInt8: layer '${l.name}' is applied ${l.inboundNodes.length} times; shared layers are not supported`,
      );
  }
  const inputMax =
    options.activations === false
      ? undefined
      : calibrate(model, targets, calibration, options.batchSize ?? 256);
  const layers: QuantizedLayer[] = [];
  const rewritten = rewriteModel(model, (layer) => {
    const i = targets.indexOf(layer);
    if (i < 0) return null;
    const [kernel, ...rest] = layer.getWeights();
    const scales = int8Scales(kernel.dataSync(), channelsOf(layer, kernel), granularity);
    const quantized = tf.tensor(fakeQuantize(kernel.dataSync(), scales), kernel.shape);
    const copy = cloneLayer(layer, [quantized, ...rest]);
    const inputScale = inputMax && inputMax[i] > 0 ? inputMax[i] / INT8_MAX : undefined;
    layers.push({
      name: layer.name,
      className: layer.getClassName(),
      inputScale,
      weightScales: { min: Math.min(...scales), max: Math.max(...scales) },
    });
    return inputScale === undefined
      ? [copy]
      : [new FakeQuantize({ scale: inputScale, name: `${layer.name}_input_int8` }), copy];
  });
  return { model: rewritten, layers };
}
