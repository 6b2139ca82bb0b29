/**
 * Benchmark (not a test): on the tfjs wasm backend, one training step of ResNet-18 built with each
 * block kind, against the same network with plain conv + BN (the deploy architecture): step time
 * (wall and CPU time of this single-threaded process, whose ratio is steadier on a shared
 * machine), kernels launched, the peak bytes of live tensor buffers (the model's weights, the
 * batch, and everything a step allocates), and beside them the multiply-add ratio core's
 * `costOf` gives for the blocks. Models are timed round-robin so load changes hit all alike.
 *
 *   pnpm bench                                   # width 16, 32x32 inputs, batch 16, every kind
 *   pnpm bench -- --steps 20 --blocks conv,acb,online-acb --inference
 */
import * as tf from '@tensorflow/tfjs';
import { costOf } from '@reparam/core';
import { markdownTable } from 'markdown-table';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  blockKinds,
  OnlineBlock,
  reparameterize,
  ReparamLayer,
  resnet18,
  type BlockKind,
} from '../src/index.js';
import { prepareWasm } from '../src/test-helpers/backends.js';
import { MemoryMeter } from './memory-meter.js';

// `pnpm bench -- --steps 20` passes the `--` on.
const argv = process.argv.slice(2).filter((a, i) => i > 0 || a !== '--');
const { values } = parseArgs({
  args: argv,
  options: {
    width: { type: 'string', default: '16' },
    size: { type: 'string', default: '32' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '10' },
    blocks: { type: 'string', default: blockKinds.join(',') },
    inference: { type: 'boolean', default: false },
  },
});
const [width, size, batch, steps] = [values.width, values.size, values.batch, values.steps].map(
  Number,
);
const kinds = values.blocks.split(',').map((b) => {
  const kind = blockKinds.find((k) => k === b);
  if (kind === undefined)
    throw new Error(`--blocks: '${b}' is not one of ${blockKinds.join(', ')}`);
  return kind;
});
if (kinds[0] !== 'conv') kinds.unshift('conv');

prepareWasm();
await tf.setBackend('wasm');
const meter = new MemoryMeter();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const load = (): string =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

/**
 * Multiply-adds of the blocks' training forms and of their deploy convs (costOf). An online
 * block runs its deploy-sized conv; its multi-branch form's ratio is returned beside.
 */
function blockMacs(model: tf.LayersModel): { training: number; deploy: number; branches: number } {
  let [training, deploy, branches] = [0, 0, 0];
  for (const l of model.layers) {
    if (!(l instanceof ReparamLayer)) continue;
    const s = l.inboundNodes[0].inputTensors[0].shape;
    const c = costOf(l.toExpr(), [1, s[3] ?? 0, s[1] ?? 0, s[2] ?? 0]);
    training += l instanceof OnlineBlock ? c.collapsed.macs : c.training.macs;
    branches += c.training.macs;
    deploy += c.collapsed.macs;
  }
  return { training, deploy, branches };
}

/** One training step's wall and CPU milliseconds. */
async function step(m: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<[number, number]> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await m.trainOnBatch(x, y);
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1000];
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
  const [ta, tb]: number[][] = [[], []];
  for (let i = 0; i < 15; i++) {
    ta.push(once(a));
    tb.push(once(b));
  }
  x.dispose();
  return [median(ta), median(tb)];
}

const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
console.log(
  `# ${new Date().toISOString()}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}, tfjs wasm (${simd}, 1 thread)`,
);
console.log(
  `ResNet-18 width ${width}, ${size}x${size}, batch ${batch}, SGD; median of ${steps} steps per model, models round-robin; load average at start ${load()}\n`,
);

const models = kinds.map((block: BlockKind) =>
  resnet18({ block, width, inputShape: [size, size, 3], classes: 10 }),
);
const x = tf.randomUniform([batch, size, size, 3]);
const y = tf.oneHot(tf.zeros([batch], 'int32'), 10);
const profiles: { kernels: number; peak: number }[] = [];
const bytes = (ts: readonly { size: number }[]): number => ts.reduce((s, t) => s + 4 * t.size, 0);
for (const m of models) {
  m.compile({ optimizer: tf.train.sgd(1e-3), loss: 'categoricalCrossentropy' });
  for (let i = 0; i < 2; i++) await m.trainOnBatch(x, y);
  const info = await tf.profile(() => m.trainOnBatch(x, y));
  // All models stay resident: this model's weights and the batch, plus the step's own peak.
  const step = await meter.peakDuring(() => m.trainOnBatch(x, y));
  const own = bytes(m.weights.map((w) => w.read())) + bytes([x, y]);
  profiles.push({ kernels: info.kernels.length, peak: own + step });
}
const times: [number, number][][] = models.map(() => []);
for (let r = 0; r < steps; r++)
  for (const [i, m] of models.entries()) times[i].push(await step(m, x, y));
tf.dispose([x, y]);

const wall = times.map((t) => median(t.map((v) => v[0])));
const cpu = times.map((t) => median(t.map((v) => v[1])));
const rows = kinds.map((kind, i) => {
  const macs = blockMacs(models[i]);
  const online = models[i].layers.some((l) => l instanceof OnlineBlock);
  const flops = (macs.training / macs.deploy).toFixed(2);
  return [
    kind,
    online ? 'online' : 'fused',
    wall[i].toFixed(1),
    cpu[i].toFixed(1),
    `${(wall[i] / wall[0]).toFixed(2)}x`,
    `${(cpu[i] / cpu[0]).toFixed(2)}x`,
    online ? `${flops}x (branches ${(macs.branches / macs.deploy).toFixed(2)}x)` : `${flops}x`,
    String(profiles[i].kernels),
    (profiles[i].peak / 2 ** 20).toFixed(1),
    `${(profiles[i].peak / profiles[0].peak).toFixed(2)}x`,
  ];
});
console.log(
  markdownTable([
    [
      'block',
      'mode',
      'step ms',
      'step CPU ms',
      'time vs conv',
      'CPU vs conv',
      'training MACs vs deploy (costOf)',
      'kernels / step',
      'peak tensor MB (live buffers)',
      'peak vs conv',
    ],
    ...rows,
  ]),
);
console.log(`\nload average at end ${load()}`);

if (values.inference) {
  const deploys = models.map((m) => reparameterize(m).model);
  const lat = (n: number): [number, number][] =>
    models.map((m, i) => latencyPair(m, deploys[i], n));
  const [b1, b16] = [lat(1), lat(16)];
  console.log(
    `\n${markdownTable([
      ['block', 'infer batch 1, train / deploy ms', 'infer batch 16, train / deploy ms'],
      ...kinds.map((kind, i) => [
        kind,
        `${b1[i][0].toFixed(2)} / ${b1[i][1].toFixed(2)}`,
        `${b16[i][0].toFixed(2)} / ${b16[i][1].toFixed(2)}`,
      ]),
    ])}`,
  );
}
