import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { quantizeInt8 } from './quantize-model.js';
import { fakeQuantize, int8Scales } from './int8.js';
import { randomFloats, relErr, useBackend } from '../test-helpers/backends.js';

/** A tiny deploy-like model: conv 3x3 (relu), depthwise 3x3, global pool, dense. */
function tinyModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [6, 6, 2],
        filters: 3,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 4 }),
    ],
  });
  model.layers.forEach((l, i) => {
    const ws = l
      .getWeights()
      .map((w, j) => tf.tensor(randomFloats(w.size, 10 * i + j + 1), w.shape));
    l.setWeights(ws);
  });
  return model;
}

describe('quantizeInt8', () => {
  it('computes the int8 model by hand: quantized inputs (calibrated max) and kernels, float biases', async () => {
    await useBackend('cpu');
    const model = tinyModel();
    const calib = tf.tensor4d(randomFloats(4 * 72, 5), [4, 6, 6, 2]);
    const x = tf.tensor4d(randomFloats(2 * 72, 6), [2, 6, 6, 2]);
    for (const weights of ['per-tensor', 'per-channel'] as const) {
      const { model: q, layers } = quantizeInt8(model, calib, { weights });
      expect(layers.map((l) => l.className)).toEqual(['Conv2D', 'DepthwiseConv2D', 'Dense']);
      // By hand: each layer's input quantized with max |input over calib| / 127, its kernel with
      // int8Scales, run with plain tfjs ops.
      const [conv, dw, , dense] = model.layers;
      const fq = (t: tf.Tensor, max: number): tf.Tensor =>
        tf.mul(tf.clipByValue(tf.round(tf.div(t, max / 127)), -127, 127), max / 127);
      const kernel = (l: tf.layers.Layer, channels: number): tf.Tensor => {
        const k = l.getWeights()[0];
        return tf.tensor(
          fakeQuantize(k.dataSync(), int8Scales(k.dataSync(), channels, weights)),
          k.shape,
        );
      };
      const stage = (input: tf.Tensor, calibIn: tf.Tensor, run: (t: tf.Tensor) => tf.Tensor) =>
        run(fq(input, tf.max(tf.abs(calibIn)).dataSync()[0]));
      const convRun = (t: tf.Tensor): tf.Tensor =>
        tf.relu(
          tf.add(
            tf.conv2d(t as tf.Tensor4D, kernel(conv, 3) as tf.Tensor4D, 1, 'same'),
            conv.getWeights()[1],
          ),
        );
      const dwRun = (t: tf.Tensor): tf.Tensor =>
        tf.add(
          tf.depthwiseConv2d(t as tf.Tensor4D, kernel(dw, 6) as tf.Tensor4D, 1, 'same'),
          dw.getWeights()[1],
        );
      const denseRun = (t: tf.Tensor): tf.Tensor =>
        tf.add(tf.matMul(t as tf.Tensor2D, kernel(dense, 4) as tf.Tensor2D), dense.getWeights()[1]);
      // Calibration inputs of each layer come from the float model.
      const c1 = tf.conv2d(calib, conv.getWeights()[0] as tf.Tensor4D, 1, 'same');
      const calibDw = tf.relu(tf.add(c1, conv.getWeights()[1]));
      const calibDense = tf.mean(
        tf.add(
          tf.depthwiseConv2d(calibDw as tf.Tensor4D, dw.getWeights()[0] as tf.Tensor4D, 1, 'same'),
          dw.getWeights()[1],
        ),
        [1, 2],
      );
      const a = stage(x, calib, convRun);
      const b = tf.mean(stage(a, calibDw, dwRun), [1, 2]);
      const want = stage(b, calibDense, denseRun);
      const got = q.predict(x) as tf.Tensor;
      expect(relErr(got.dataSync(), want.dataSync())).toBeLessThan(1e-5);
      // And it differs from the float model: the quantization is really there.
      expect(relErr(got.dataSync(), (model.predict(x) as tf.Tensor).dataSync())).toBeGreaterThan(
        1e-4,
      );
    }
  });

  it('per-channel weight scales are per output channel: one per column of a dense kernel', async () => {
    await useBackend('cpu');
    const model = tinyModel();
    const calib = tf.tensor4d(randomFloats(72, 5), [1, 6, 6, 2]);
    const { layers } = quantizeInt8(model, calib, { weights: 'per-channel', activations: false });
    const k = model.layers[3].getWeights()[0].arraySync() as number[][];
    const colMax = [0, 1, 2, 3].map((j) => Math.max(...k.map((row) => Math.abs(row[j]))));
    expect(layers[2].weightScales.max).toBeCloseTo(Math.max(...colMax) / 127, 9);
    expect(layers[2].weightScales.min).toBeCloseTo(Math.min(...colMax) / 127, 9);
    expect(layers.every((l) => l.inputScale === undefined)).toBe(true);
  });
});
