// One training step's CPU time with @reparam/tfjs's gradient kernels (js) and this package's SIMD
// ones (simd), alternately, on three networks: the comparison that chose js (issue 14).
//   tsx --conditions=@reparam/source bench/train-compare.ts
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  registerWasmTrainingKernels as registerJs,
  repvggNet,
  mobilenetV2,
  resnet18,
} from '@reparam/tfjs';
import { registerWasmTrainingKernels } from '../src/index.js';
const require = createRequire(import.meta.url);
setWasmPaths(
  `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`,
);
await tf.setBackend('wasm');
registerJs();
const names = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
];
const js = names.map((n) => tf.getKernel(n, 'wasm'));
const reg = await registerWasmTrainingKernels(tf, { threads: 1 });
const simd = names.map((n) => tf.getKernel(n, 'wasm'));
const use = (set: tf.KernelConfig[]) =>
  set.forEach((k) => {
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  });
const nets: [string, () => tf.LayersModel, number[]][] = [
  [
    'demo repvggNet (batch 64, 28x28x1)',
    () =>
      repvggNet({
        block: 'repvgg',
        depths: [1, 2, 2],
        widths: [16, 32, 64],
        inputShape: [28, 28, 1],
        classes: 10,
      }),
    [64, 28, 28, 1],
  ],
  [
    'bench resnet18 conv (batch 16, 32x32x3)',
    () => resnet18({ block: 'conv', width: 16, inputShape: [32, 32, 3], classes: 10 }),
    [16, 32, 32, 3],
  ],
  [
    'mobilenetV2 alpha 0.5 (batch 16, 64x64x3)',
    () => mobilenetV2({ block: 'conv', alpha: 0.5, inputShape: [64, 64, 3], classes: 10 }),
    [16, 64, 64, 3],
  ],
];
for (const [label, make, shape] of nets) {
  const m = make();
  m.compile({ optimizer: tf.train.sgd(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform(shape);
  const y = tf.oneHot(tf.zeros([shape[0]], 'int32'), 10);
  const t: Record<string, number[]> = { js: [], simd: [] };
  for (const set of [js, simd]) {
    use(set); // warm-up
    await m.trainOnBatch(x, y);
  }
  for (let r = 0; r < 8; r++)
    for (const [k, set] of [
      ['js', js],
      ['simd', simd],
    ] as const) {
      use(set);
      const c = process.cpuUsage();
      await m.trainOnBatch(x, y);
      const u = process.cpuUsage(c);
      t[k].push((u.user + u.system) / 1000);
    }
  const med = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
  console.log(
    `| ${label} | ${med(t.js).toFixed(1)} | ${med(t.simd).toFixed(1)} | ${(med(t.simd) / med(t.js)).toFixed(2)} |`,
  );
  m.dispose();
  tf.dispose([x, y]);
}
reg.runtime.dispose();
process.exit(0);
