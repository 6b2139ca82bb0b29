/**
 * Fashion-MNIST demo: train a small RepVGG-style net with the chosen training-time block on the
 * tfjs wasm backend, re-parameterize it into plain convs, check that both forms predict the
 * same classes, time both, and save the deploy model.
 *
 *   tsx --conditions=@reparam/source src/main.ts [--short] [--block conv|acb|repvgg|dbb|refconv]
 */
import * as tf from '@tensorflow/tfjs';
import { repvggNet, reparameterize, toRefConv, withSeededMathRandom } from '@reparam/tfjs';
import { parseArgs } from './args.js';
import { useWasm } from './backend.js';
import { loadFashionMnist } from './data.js';
import { accuracy, agreement, latencyPair, predictAll } from './evaluate.js';
import { loadModel, saveModel } from './save.js';
import { fit as trainModel } from './train.js';

const args = parseArgs(process.argv.slice(2));
await useWasm();
const log = (s: string): void => console.log(s);
log(
  `backend ${tf.getBackend()}, block ${args.block}, seed ${args.seed}, ${args.trainPerClass}/${args.testPerClass} images per class (train/test), ${args.epochs} epoch(s)`,
);

const t = performance.now();
const { train, test } = loadFashionMnist({
  trainPerClass: args.trainPerClass,
  testPerClass: args.testPerClass,
});
log(
  `loaded Fashion-MNIST in ${((performance.now() - t) / 1000).toFixed(1)}s: ${train.count} training, ${test.count} test images`,
);

const x = tf.tensor4d(train.images, [train.count, 28, 28, 1]);
const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10);

const fitOptions = { x, y, epochs: args.epochs, batchSize: args.batchSize, log };
const fit = (model: tf.LayersModel, label: string): Promise<void> =>
  trainModel(model, label, fitOptions);

const arch = {
  depths: [1, 2, 2],
  widths: [16, 32, 64],
  inputShape: [28, 28, 1] as [number, number, number],
  classes: 10,
};
let model: tf.LayersModel;
if (args.block === 'refconv') {
  // RefConv refocuses pretrained kernels: train the plain net first, then freeze its kernels as bases.
  const base = withSeededMathRandom(args.seed, () => repvggNet({ ...arch, block: 'conv' }));
  await fit(base, 'pretraining the conv form');
  log(
    `pretrained conv form: test accuracy ${(100 * accuracy(predictAll(base, test), test)).toFixed(2)}%`,
  );
  model = withSeededMathRandom(args.seed, () => toRefConv(base).model);
  await fit(model, 'training the refocusing kernels (bases frozen)');
} else {
  model = withSeededMathRandom(args.seed, () => repvggNet({ ...arch, block: args.block }));
  await fit(model, 'training form');
}
tf.dispose([x, y]);

const { model: deploy, report } = reparameterize(model);
const worst = Math.max(...report.blocks.map((b) => b.relativeDeviation));
log(
  `re-parameterized ${report.blocks.length} blocks into plain convs: ${deploy.countParams()} parameters; worst block deviation ${worst.toExponential(2)} of max|y|, output ${report.output.relativeDeviation.toExponential(2)}`,
);

const pTrain = predictAll(model, test);
const pDeploy = predictAll(deploy, test);
const agree = agreement(pTrain, pDeploy, test.count);
log(
  `test accuracy: training form ${(100 * accuracy(pTrain, test)).toFixed(2)}%, deploy form ${(100 * accuracy(pDeploy, test)).toFixed(2)}%`,
);
log(
  `predictions differ on ${agree.disagree} of ${test.count} images (${agree.realDisagree} beyond ties); max probability difference ${agree.maxProbDiff.toExponential(2)}`,
);

for (const batch of [1, 100]) {
  const [a, b] = latencyPair(model, deploy, batch, batch === 1 ? 50 : 15);
  log(
    `latency, batch ${batch} (median): training form ${a.toFixed(2)} ms, deploy form ${b.toFixed(2)} ms (${(a / b).toFixed(2)}x)`,
  );
}

await saveModel(deploy, args.out);
const reloaded = await loadModel(args.out);
const pReloaded = predictAll(reloaded, test);
const same = agreement(pDeploy, pReloaded, test.count).maxProbDiff === 0;
log(
  `saved the deploy model to ${args.out}/model.json + weights.bin (reloaded: ${same ? 'identical predictions' : 'DIFFERENT predictions'})`,
);

if (agree.realDisagree > 0 || !same) {
  console.error('FAILED: the deploy form does not reproduce the training form');
  process.exitCode = 1;
}
