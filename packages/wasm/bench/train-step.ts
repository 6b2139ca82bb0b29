// Times one SGD training step of a small Fashion-MNIST-shaped CNN (28x28x1, batch 32) on one tfjs
// configuration and prints one JSON line:
//   tsx --conditions=@reparam/source bench/train-step.ts <tfjs-cpu|tfjs-wasm-js|ours> <threads>
// tfjs-wasm-js = tfjs wasm backend + @reparam/tfjs's gradient kernels (registerWasmTrainingKernels);
// ours = the same gradient kernels + this package's SIMD forward convs (registerWasmConvKernels).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { seededRandom } from '@reparam/core';
import { registerWasmTrainingKernels as registerJs } from '@reparam/tfjs';
import { registerWasmConvKernels } from '../src/index.js';

const [which, threadArg] = process.argv.slice(2);
const threads = Number(threadArg ?? 1);
if (which === 'tfjs-cpu') {
  await tf.setBackend('cpu');
} else {
  const require = createRequire(import.meta.url);
  setWasmPaths(
    `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`,
  );
  await tf.setBackend('wasm');
  registerJs();
  if (which === 'ours') await registerWasmConvKernels(tf, { threads });
}

const next = seededRandom(3);
const batch = 32;
const xs = tf.tensor4d(
  Float32Array.from({ length: batch * 28 * 28 }, () => next()),
  [batch, 28, 28, 1],
);
const ys = tf.oneHot(
  tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 10),
    'int32',
  ),
  10,
);
let seed = 0;
const init = () => tf.initializers.glorotUniform({ seed: ++seed });
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
    }),
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
    }),
    tf.layers.conv2d({
      filters: 64,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
    }),
    tf.layers.depthwiseConv2d({
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
    }),
    tf.layers.conv2d({
      filters: 64,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
    }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 10, kernelInitializer: init() }),
  ],
});
const optimizer = tf.train.sgd(0.01);
const step = () => {
  const loss = optimizer.minimize(
    () => tf.losses.softmaxCrossEntropy(ys, model.predict(xs) as tf.Tensor) as tf.Scalar,
    true,
  );
  const v = loss?.dataSync()[0] ?? NaN;
  loss?.dispose();
  return v;
};
for (let i = 0; i < 2; i++) step();
const times: number[] = [];
const start = performance.now();
let loss = 0;
while (times.length < 3 || (times.length < 15 && performance.now() - start < 8000)) {
  const t = performance.now();
  loss = step();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ runtime: which, threads, ms: times[times.length >> 1], loss }));
process.exit(0);
