/** Profiles one training step of the demo network on wasm: time per kernel. */
import * as tf from '@tensorflow/tfjs';
import { repvggNet, type BlockKind } from '../src/index.js';
import { prepareWasm } from '../src/test-helpers/backends.js';

prepareWasm();
await tf.setBackend('wasm');
const block = (process.argv[2] ?? 'repvgg') as BlockKind;
const model = repvggNet({
  block,
  depths: [1, 2, 2],
  widths: [16, 32, 64],
  inputShape: [28, 28, 1],
  classes: 10,
});
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
const x = tf.randomUniform([64, 28, 28, 1]);
const y = tf.oneHot(tf.zeros([64], 'int32'), 10);
await model.trainOnBatch(x, y);
const t = performance.now();
for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
console.log('step ms', ((performance.now() - t) / 3).toFixed(1));
const info = await tf.profile(async () => {
  await model.trainOnBatch(x, y);
});
const by = new Map<string, number>();
for (const k of info.kernels) by.set(k.name, (by.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log(
  [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([n, ms]) => `${n} ${ms.toFixed(1)}`)
    .join('\n'),
);
