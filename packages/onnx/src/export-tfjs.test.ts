import * as tf from '@tensorflow/tfjs';
import { mobilenetV2, reparameterize, repvggNet, resnet18 } from '@reparam/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertModel } from './convert.js';
import { exportTfjsModel } from './export-tfjs.js';
import { parseModel, serializeModel } from './model-io.js';
import { runModel } from './ort-run.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function roundTrip(model: tf.LayersModel, shape: number[]) {
  const { model: deploy } = reparameterize(model);
  const onnx = parseModel(serializeModel(exportTfjsModel(deploy)));
  const x = tf.randomUniform(shape, -1, 1, 'float32', 3);
  const want = (deploy.predict(x) as tf.Tensor).dataSync();
  const got = await runModel(serializeModel(onnx), {
    [onnx.graph!.input[0].name!]: { dims: shape, data: x.dataSync(), type: 'float32' },
  });
  const y = got.get(onnx.graph!.output[0].name!)!;
  let diff = 0;
  let max = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(want[i] - Number(y.data[i])));
    max = Math.max(max, Math.abs(want[i]));
  }
  expect(y.data.length).toBe(want.length);
  expect(diff).toBeLessThanOrEqual(1e-5 * max);
  return onnx;
}

describe('exportTfjsModel: tfjs deploy models run in onnxruntime-web with the same outputs', () => {
  it('RepVGG (ZeroPadding2D, Conv2D+ReLU, GlobalAveragePooling2D, Dense softmax)', async () => {
    const onnx = await roundTrip(
      repvggNet({ depths: [1, 2], widths: [4, 8], inputShape: [12, 12, 3], classes: 5 }),
      [2, 12, 12, 3],
    );
    expect(
      onnx.graph!.input[0].type!.tensorType!.shape!.dim.map((d) => d.dimValue ?? d.dimParam),
    ).toEqual(['N', 12, 12, 3]);
    // the exported deploy model is itself convertible: each Pad folds into its Conv
    const { model: folded, report } = await convertModel(onnx, {
      shapes: { [onnx.graph!.input[0].name!]: [1, 12, 12, 3] },
    });
    expect(folded.graph!.node.filter((n) => n.opType === 'Pad')).toHaveLength(0);
    expect(report.verification!.ok).toBe(true);
  });

  it('ResNet-18-style (MaxPooling2D, Add, ReLU layers)', async () => {
    await roundTrip(resnet18({ inputShape: [16, 16, 3], classes: 3, width: 4 }), [1, 16, 16, 3]);
  });

  it('a hand-built Sequential model (no InputLayer in layers): Conv2D valid/same, BatchNormalization, AveragePooling2D, Flatten, Dense', async () => {
    const m = tf.sequential();
    m.add(
      tf.layers.conv2d({
        inputShape: [9, 9, 2],
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
      }),
    );
    m.add(
      tf.layers.batchNormalization({
        movingVarianceInitializer: 'ones',
        gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 1 }),
        betaInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 2 }),
      }),
    );
    m.add(tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], padding: 'valid', dilationRate: 1 }));
    m.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 3, activation: 'tanh' }));
    const onnx = exportTfjsModel(m);
    const x = tf.randomUniform([2, 9, 9, 2], -1, 1, 'float32', 5);
    const want = (m.predict(x) as tf.Tensor).dataSync();
    const got = (
      await runModel(serializeModel(onnx), {
        [onnx.graph!.input[0].name!]: { dims: [2, 9, 9, 2], data: x.dataSync(), type: 'float32' },
      })
    ).get(onnx.graph!.output[0].name!)!;
    const max = Math.max(...Array.from(want, Math.abs));
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(want[i] - Number(got.data[i]))).toBeLessThanOrEqual(1e-5 * max);
  });

  it('MobileNetV2-style (DepthwiseConv2D, relu6)', async () => {
    await roundTrip(
      mobilenetV2({ inputShape: [16, 16, 3], classes: 3, alpha: 0.25 }),
      [1, 16, 16, 3],
    );
  });
});
