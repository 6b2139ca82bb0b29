/**
 * Post-training int8 check (QARepVGG, Chu et al. 2022): train the demo network with RepVGG blocks
 * and with QARepVGG blocks on the same data, re-parameterize both into plain convs, then quantize
 * each deploy model to int8 (symmetric weights per tensor or per output channel, every conv and
 * dense input calibrated on training images) and compare test accuracy with float32.
 *
 *   tsx --conditions=@reparam/source src/quantize.ts [--short] [--epochs N] [--train-per-class N]
 */
import * as tf from '@tensorflow/tfjs';
import { markdownTable } from 'markdown-table';
import {
  quantizeInt8,
  repvggNet,
  reparameterize,
  withSeededMathRandom,
  type BlockKind,
} from '@reparam/tfjs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from './args.js';
import { useWasm } from './backend.js';
import { loadFashionMnist } from './data.js';
import { accuracy, predictAll } from './evaluate.js';
import { fit } from './train.js';

const args = parseArgs(process.argv.slice(2));
await useWasm();
const log = (s: string): void => console.log(s);
const { train, test } = loadFashionMnist({
  trainPerClass: args.trainPerClass,
  testPerClass: args.testPerClass,
});
const x = tf.tensor4d(train.images, [train.count, 28, 28, 1]);
const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10);
const calibration = tf.slice(x, 0, Math.min(1000, train.count));
const arch = {
  depths: [1, 2, 2],
  widths: [16, 32, 64],
  inputShape: [28, 28, 1] as [number, number, number],
  classes: 10,
};
log(
  `# ${new Date().toISOString()}, ${cpus()[0]?.model ?? 'unknown CPU'}, load ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}; ${train.count} training / ${test.count} test images, ${args.epochs} epoch(s)`,
);

/** Largest |w| over the std of w of each deploy kernel: how far its outliers reach. */
function outlierRatio(model: tf.LayersModel): number {
  const ratios = model.layers
    .filter((l) => l.getClassName() === 'Conv2D')
    .map((l) =>
      tf.tidy(() => {
        const k = l.getWeights()[0];
        const { variance } = tf.moments(k);
        return tf.max(tf.abs(k)).dataSync()[0] / Math.sqrt(variance.dataSync()[0]);
      }),
    );
  return Math.max(...ratios);
}

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
const rows: string[][] = [];
for (const block of ['repvgg', 'qarepvgg'] as BlockKind[]) {
  // Both blocks start from the same seed's stream (their weights differ in shape, not in source).
  const model = withSeededMathRandom(args.seed, () => repvggNet({ ...arch, block }));
  await fit(model, `training ${block}`, {
    x,
    y,
    epochs: args.epochs,
    batchSize: args.batchSize,
    log,
  });
  const { model: deploy, report } = reparameterize(model);
  const float = accuracy(predictAll(deploy, test), test);
  const int8 = (['per-tensor', 'per-channel'] as const).map((weights) => {
    const { model: q } = quantizeInt8(deploy, calibration, { weights });
    const acc = accuracy(predictAll(q, test), test);
    q.dispose();
    return `${pct(acc)} (${((acc - float) * 100).toFixed(2)})`;
  });
  rows.push([
    block,
    pct(float),
    ...int8,
    outlierRatio(deploy).toFixed(1),
    report.output.relativeDeviation.toExponential(1),
  ]);
  model.dispose();
  deploy.dispose();
}
log(
  `\n${markdownTable([
    [
      'block',
      'deploy float32 accuracy',
      'int8, weights per tensor (drop, points)',
      'int8, weights per channel (drop, points)',
      'max |w| / std(w), worst deploy kernel',
      'deploy vs training form',
    ],
    ...rows,
  ])}`,
);
