/**
 * Benchmark (not a test): on the tfjs wasm backend, the training-step time of a network built
 * with each block type relative to the same network with plain conv + BN (the deploy
 * architecture), next to the multiply-add ratio core's `costOf` gives for the blocks; then the
 * inference latency of each training form against its re-parameterized deploy form.
 *
 *   pnpm bench                       # ResNet-18 at width 16, 32x32 inputs, batch 16
 *   pnpm bench -- --width 32 --size 64 --batch 8 --steps 8
 */
import * as tf from '@tensorflow/tfjs';
import { costOf } from '@reparam/core';
import {
  blockKinds,
  reparameterize,
  ReparamLayer,
  resnet18,
  type BlockKind,
} from '../src/index.js';
import { prepareWasm } from '../src/test-helpers/backends.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const width = arg('width', 16);
const size = arg('size', 32);
const batch = arg('batch', 16);
const steps = arg('steps', 6);

prepareWasm();
await tf.setBackend('wasm');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function blockMacs(model: tf.LayersModel): { training: number; collapsed: number } {
  let training = 0;
  let collapsed = 0;
  for (const l of model.layers) {
    if (!(l instanceof ReparamLayer)) continue;
    const s = l.inboundNodes[0].inputTensors[0].shape;
    const c = costOf(l.toExpr(), [1, s[3] ?? 0, s[1] ?? 0, s[2] ?? 0]);
    training += c.training.macs;
    collapsed += c.collapsed.macs;
  }
  return { training, collapsed };
}

/** One timed training step (ms). */
async function step(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const t = performance.now();
  await model.trainOnBatch(x, y);
  return performance.now() - t;
}

/** Median predict times (ms) of two models on one batch, measured alternately. */
function latencyPair(a: tf.LayersModel, b: tf.LayersModel, n: number): [number, number] {
  const x = tf.randomUniform([n, size, size, 3]);
  const once = (m: tf.LayersModel): number => {
    const t = performance.now();
    tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync());
    return performance.now() - t;
  };
  for (let i = 0; i < 3; i++) [a, b].forEach(once);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < 15; i++) {
    ta.push(once(a));
    tb.push(once(b));
  }
  x.dispose();
  return [median(ta), median(tb)];
}

console.log(
  `# tfjs wasm backend (${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD'}), ResNet-18 width ${width}, ${size}x${size}, batch ${batch}, median of ${steps} steps\n`,
);
console.log(
  '| block | train step ms | time vs conv | block MACs vs deploy (costOf) | infer b1 train/deploy ms | infer b16 train/deploy ms |',
);
console.log('|---|---|---|---|---|---|');
// All models are built first and timed round-robin, so load changes on a shared machine hit every block alike.
const models = blockKinds.map((block: BlockKind) =>
  resnet18({ block, width, inputShape: [size, size, 3], classes: 10 }),
);
const x = tf.randomUniform([batch, size, size, 3]);
const y = tf.oneHot(tf.zeros([batch], 'int32'), 10);
for (const m of models) {
  m.compile({ optimizer: tf.train.sgd(1e-3), loss: 'categoricalCrossentropy' });
  await m.trainOnBatch(x, y);
}
const times: number[][] = models.map(() => []);
for (let r = 0; r < steps; r++)
  for (const [i, m] of models.entries()) times[i].push(await step(m, x, y));
tf.dispose([x, y]);
const deploys = models.map((m) => reparameterize(m).model);
const lat = (n: number): number[][] => models.map((m, i) => latencyPair(m, deploys[i], n));
const b1 = lat(1);
const b16 = lat(16);
const base = median(times[0]);
blockKinds.forEach((block, i) => {
  const ms = median(times[i]);
  const macs = blockMacs(models[i]);
  console.log(
    `| ${block} | ${ms.toFixed(1)} | ${(ms / base).toFixed(2)}x | ${(macs.training / macs.collapsed).toFixed(2)}x | ${b1[i][0].toFixed(2)} / ${b1[i][1].toFixed(2)} | ${b16[i][0].toFixed(2)} / ${b16[i][1].toFixed(2)} |`,
  );
});
