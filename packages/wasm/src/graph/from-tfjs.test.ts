import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { exportTfjsModel } from '@reparam/onnx';
import { mobilenetV2, reparameterize, resnet18 } from '@reparam/tfjs';
import { WasmConvRuntime } from '../conv-runtime.js';
import { graphFromOnnx } from './from-onnx.js';
import { WasmGraph } from './wasm-graph.js';
import { relativeError } from '../test-helpers/oracle.js';

const runtime = WasmConvRuntime.create({ threads: 2 });
afterAll(async () => (await runtime).dispose());

describe('tfjs deploy models (reparameterize -> exportTfjsModel -> graphFromOnnx)', () => {
  const cases: [string, () => tf.LayersModel][] = [
    [
      'ResNet-18 of ACB blocks',
      () => resnet18({ block: 'acb', inputShape: [32, 32, 3], width: 8, classes: 10 }),
    ],
    [
      'MobileNetV2 (conv + BN blocks)',
      () => mobilenetV2({ block: 'conv', inputShape: [32, 32, 3], alpha: 0.25, classes: 10 }),
    ],
  ];
  for (const [name, build] of cases) {
    it(`${name}: the wasm graph computes what tfjs predicts (NHWC in, 2 threads)`, async () => {
      await tf.setBackend('cpu');
      const { model } = reparameterize(build());
      const graph = graphFromOnnx(exportTfjsModel(model));
      const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 7);
      const want = (model.predict(x) as tf.Tensor).dataSync();
      const net = WasmGraph.compile(await runtime, graph);
      const [output] = graph.outputs;
      const got = net.run({
        [graph.inputs[0].name]: { data: x.dataSync() as Float32Array, shape: [1, 32, 32, 3] },
      })[output];
      expect(got.shape).toEqual([1, 10]);
      expect(relativeError(got.data, Float64Array.from(want))).toBeLessThan(1e-4);
      x.dispose();
      model.dispose();
    });
  }
});
