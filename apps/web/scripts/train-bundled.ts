// Trains the Look inside page's bundled models on Fashion-MNIST (Node, tfjs wasm backend) and
// writes them to public/models/<name>/ (model.json + weights.bin; conv and ACB in deploy form,
// RefConv in training form); models already there are kept (FORCE=1 trains them again):
//  - conv: the Train page's network with Conv + BN blocks;
//  - acb: the same network with ACNet blocks;
//  - refconv: RefConv as its paper trains it: the conv model's deploy form with every
//    stride-1 3x3 conv turned into a RefConv2D whose base is the trained kernel (frozen), then
//    the refocusing kernels trained.
// Deterministic data (the first 500 images of each class, as the page's subset); not run by CI.
//   pnpm --filter @reparam/web build:models   (after `pnpm build` of the packages)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, reparameterize, toRefConv } from '@reparam/tfjs';
import { buildNet } from '../src/lib/net.js';
import type { TrainBlock } from '../src/lib/blocks.js';

const require = createRequire(import.meta.url);
const out = fileURLToPath(new URL('../public/models/', import.meta.url));
const PER_CLASS = 500;
const WIDTH = 16;
const EPOCHS = Number(process.env.EPOCHS ?? 3);

setWasmPaths(
  dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/',
);
registerWasmTrainingKernels();
await tf.setBackend('wasm');

// Interleaved classes, first PER_CLASS images of each (the package's class 0 has two empty entries).
const pixels = new Float32Array(10 * PER_CLASS * 784);
const labels = new Int32Array(10 * PER_CLASS);
for (let c = 0; c < 10; c++) {
  const path = require.resolve(`fashion-mnist/src/clothes/${c}.json`);
  const images = (JSON.parse(readFileSync(path, 'utf8')) as { data: number[][] }).data.filter(
    (i) => i.length === 784,
  );
  for (let k = 0; k < PER_CLASS; k++) {
    images[k].forEach((v, p) => (pixels[(k * 10 + c) * 784 + p] = v / 255));
    labels[k * 10 + c] = c;
  }
}
const xs = tf.tensor4d(pixels, [10 * PER_CLASS, 28, 28, 1]);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);

async function fit(model: tf.LayersModel, name: string): Promise<void> {
  model.compile({
    optimizer: tf.train.adam(2e-3),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const h = await model.fit(xs, ys, { epochs: EPOCHS, batchSize: 32, shuffle: false, verbose: 0 });
  const acc = h.history.acc ?? h.history.accuracy;
  console.log(
    `${name}: loss ${Number(h.history.loss.at(-1)).toFixed(3)}, training accuracy ${Number(acc?.at(-1)).toFixed(3)}`,
  );
}

async function save(model: tf.LayersModel, name: string): Promise<void> {
  mkdirSync(`${out}${name}`, { recursive: true });
  await model.save(
    tf.io.withSaveHandler((a) => {
      const data = Array.isArray(a.weightData)
        ? tf.io.concatenateArrayBuffers(a.weightData)
        : a.weightData!;
      writeFileSync(`${out}${name}/weights.bin`, new Uint8Array(data));
      const json = {
        modelTopology: a.modelTopology,
        format: 'layers-model',
        generatedBy: 'apps/web/scripts/train-bundled.ts',
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(`${out}${name}/model.json`, JSON.stringify(json));
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
      });
    }),
  );
}

/** A model written by an earlier run (FORCE=1 trains again). */
async function saved(name: string): Promise<tf.LayersModel | undefined> {
  if (process.env.FORCE || !existsSync(`${out}${name}/model.json`)) return undefined;
  const json = JSON.parse(readFileSync(`${out}${name}/model.json`, 'utf8')) as {
    modelTopology: tf.io.ModelJSON['modelTopology'];
    weightsManifest: tf.io.WeightsManifestConfig;
  };
  const weights = readFileSync(`${out}${name}/weights.bin`);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}

const trained = new Map<TrainBlock, tf.LayersModel>();
for (const block of ['conv', 'acb'] as const) {
  let model = await saved(block);
  if (model === undefined) {
    model = buildNet(block, WIDTH);
    await fit(model, block);
  } else console.log(`${block}: kept the model of an earlier run`);
  // Saved in deploy form (plain Conv2D layers, the fused kernels): its file format does not
  // depend on how @reparam/tfjs stores a block's weights, which may change between versions.
  await save(reparameterize(model).model, block);
  trained.set(block, model);
}
if ((await saved('refconv')) === undefined) {
  const { model: refconv, converted } = toRefConv(reparameterize(trained.get('conv')!).model);
  console.log(`refconv: ${converted.join(', ')} refocused`);
  await fit(refconv, 'refconv');
  await save(refconv, 'refconv'); // training form: the figure reads W_b and W_t of its RefConv2D layers
} else console.log('refconv: kept the model of an earlier run');
