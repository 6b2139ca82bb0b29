import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '@reparam/core';
import { augmentBatch } from './augment.js';
import { PIXELS, SIDE, type Split } from './data.js';
import { peakBytes } from './measure.js';
import { learningRateAt, type Protocol } from './protocol.js';
import { deriveSeed, shuffleInPlace } from './random.js';
import { median } from './stats.js';

/** What one training stage measured. */
export interface StageResult {
  steps: number;
  seconds: number;
  /** Median wall time of a training step (forward, backward, update), ms. */
  medianStepMs: number;
  /**
   * CPU seconds of this process during the stage (user + system). On a machine shared with other
   * jobs the wall time stretches with the load; this does much less (tfjs-wasm runs one thread).
   */
  cpuSeconds: number;
  /** Mean training loss of each epoch. */
  epochLoss: number[];
  /** tfjs tensor bytes during the second step: peak, and resident before it. */
  memory: { peak: number; resident: number };
  /** The step whose loss was not finite, where training stopped (reported, not retried). */
  divergedAtStep?: number;
}

/** Progress of a stage: `step` of `steps` done, with the running loss. */
export type OnStep = (step: number, steps: number, loss: number) => void;

/** Steps of one stage: every epoch drops the last partial batch. */
export function stageSteps(p: Protocol, trainCount: number): number {
  return p.epochs * Math.floor(trainCount / p.batchSize);
}

/**
 * Trains `model`'s trainable weights for `p.epochs` epochs with the protocol's optimizer (SGD with
 * momentum, warm-up then cosine learning rate, categorical cross-entropy), in a fresh order and
 * with fresh augmentation from `(seed, stage)`: every method of a seed sees the same images in the
 * same order, augmented alike.
 */
export async function trainStage(
  model: tf.LayersModel,
  data: Split,
  p: Protocol,
  seed: number,
  stage: string,
  onStep: OnStep,
): Promise<StageResult> {
  const random = seededRandom(deriveSeed(seed, `data-${stage}`));
  const perEpoch = Math.floor(data.count / p.batchSize);
  const steps = p.epochs * perEpoch;
  const optimizer = tf.train.momentum(p.learningRate, p.momentum);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const buffer = new Float32Array(p.batchSize * PIXELS);
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  const stepMs: number[] = [];
  const epochLoss: number[] = [];
  let memory = { peak: 0, resident: 0 };
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let t = 0;
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    shuffleInPlace(order, random);
    let lossSum = 0;
    for (let b = 0; b < perEpoch; b++, t++) {
      const indices = order.subarray(b * p.batchSize, (b + 1) * p.batchSize);
      augmentBatch(data.images, indices, buffer, p.augmentation, random);
      const x = tf.tensor4d(buffer, [p.batchSize, SIDE, SIDE, 1]);
      const labels = tf.tensor1d(
        Int32Array.from(indices, (i) => data.labels[i]),
        'int32',
      );
      const y = tf.oneHot(labels, 10);
      optimizer.setLearningRate(learningRateAt(p, t, steps));
      let loss = 0;
      const step = (): void => {
        const cost = optimizer.minimize(
          () =>
            tf.mean(
              tf.metrics.categoricalCrossentropy(
                y,
                model.apply(x, { training: true }) as tf.Tensor,
              ),
            ),
          true,
          variables,
        );
        loss = cost?.dataSync()[0] ?? NaN;
        cost?.dispose();
      };
      if (t === 1) memory = await peakBytes(step);
      else {
        const t0 = performance.now();
        step();
        stepMs.push(performance.now() - t0);
      }
      tf.dispose([x, labels, y]);
      if (!Number.isFinite(loss)) {
        optimizer.dispose();
        return { ...summary(t), divergedAtStep: t };
      }
      lossSum += loss;
      onStep(t + 1, steps, loss);
    }
    epochLoss.push(lossSum / perEpoch);
  }
  optimizer.dispose();
  return summary(steps);

  function summary(done: number): StageResult {
    return {
      steps: done,
      seconds: (performance.now() - start) / 1000,
      cpuSeconds: cpuSecondsSince(cpuStart),
      medianStepMs: stepMs.length > 0 ? median(stepMs) : NaN,
      epochLoss,
      memory,
    };
  }
}

/** User + system CPU seconds of this process since `start` (a `process.cpuUsage()` value). */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}
