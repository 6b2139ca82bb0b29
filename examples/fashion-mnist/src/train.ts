import * as tf from '@tensorflow/tfjs';
import { ProgressBar } from './progress.js';

/** What {@link fit} trains on and how. */
export interface FitOptions {
  x: tf.Tensor;
  y: tf.Tensor;
  epochs: number;
  batchSize: number;
  log: (line: string) => void;
}

/** Trains `model` with Adam (3e-3) on the already shuffled data, a progress bar per epoch. */
export async function fit(model: tf.LayersModel, label: string, o: FitOptions): Promise<void> {
  const count = o.x.shape[0];
  model.compile({ optimizer: tf.train.adam(3e-3), loss: 'categoricalCrossentropy' });
  o.log(`${label}: ${model.countParams()} parameters (running statistics included)`);
  const t0 = performance.now();
  for (let e = 0; e < o.epochs; e++) {
    const bar = new ProgressBar(`epoch ${e + 1}/${o.epochs}`, count);
    let loss = 0;
    await model.fit(o.x, o.y, {
      batchSize: o.batchSize,
      epochs: 1,
      shuffle: false, // the split is already shuffled deterministically
      verbose: 0,
      callbacks: {
        onBatchEnd: (batch, logs) => {
          loss = logs?.loss ?? loss;
          bar.update(Math.min((batch + 1) * o.batchSize, count), `loss ${loss.toFixed(3)}`);
          return Promise.resolve();
        },
      },
    });
    bar.finish(`loss ${loss.toFixed(3)}`);
  }
  const secs = (performance.now() - t0) / 1000;
  const steps = Math.ceil((count * o.epochs) / o.batchSize);
  o.log(
    `trained in ${secs.toFixed(1)}s (${((secs * 1000) / steps).toFixed(0)} ms per step of ${o.batchSize})`,
  );
}
