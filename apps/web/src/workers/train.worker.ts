/// <reference lib="webworker" />
// Trains on Fashion-MNIST with tfjs (wasm backend) and re-parameterizes, off the page's thread.
import * as tf from '@tensorflow/tfjs';
import { reparameterize } from '@reparam/tfjs';
import { exportTfjsModel, serializeModel } from '@reparam/onnx';
import { loadFashionMnist, PIXELS, type DataSize, type Split } from '../lib/fashion.js';
import { buildNet } from '../lib/net.js';
import { medianMs, toFiles, useWasmBackend } from '../lib/tf-setup.js';
import { emit, serve } from '../lib/worker-host.js';
import type { ReparamResult, StepEvent, TrainedModels, TrainParams } from '../lib/train-types.js';

let data: { size: DataSize; train: Split; test: Split } | undefined;
let model: tf.LayersModel | undefined;
let deploy: tf.LayersModel | undefined;
let params: TrainParams | undefined;
let state: 'idle' | 'running' | 'paused' | 'stopping' = 'idle';
let resume: (() => void) | undefined;
/** The state as messages changed it (read through a call, so the loop sees pause and stop). */
const current = (): typeof state => state;

const images = (s: Split, from: number, n: number) =>
  tf.tidy(() =>
    tf.div(
      tf.tensor4d(s.images.subarray(from * PIXELS, (from + n) * PIXELS), [n, 28, 28, 1], 'float32'),
      255,
    ),
  );
const oneHot = (s: Split, from: number, n: number) =>
  tf.tidy(() => tf.oneHot(tf.tensor1d(s.labels.subarray(from, from + n), 'int32'), 10));

/** Lets queued messages (progress, pause, stop) through. */
const tick = () => new Promise((r) => setTimeout(r, 0));

/** Predicted classes of a whole split, in batches. */
function predict(m: tf.LayersModel, s: Split): Int32Array {
  const out = new Int32Array(s.count);
  for (let i = 0; i < s.count; i += 250) {
    const n = Math.min(250, s.count - i);
    const p = tf.tidy(() => tf.argMax(m.predict(images(s, i, n)) as tf.Tensor, -1));
    out.set(p.dataSync(), i);
    p.dispose();
  }
  return out;
}

function accuracyOf(pred: Int32Array, s: Split): number {
  let hits = 0;
  for (let i = 0; i < s.count; i++) if (pred[i] === s.labels[i]) hits++;
  return hits / s.count;
}

async function ensureData(
  size: DataSize,
  url: string,
  progress: (f: number) => void,
): Promise<void> {
  if (data && data.size.train === size.train && data.size.test === size.test) return;
  data = { size, ...(await loadFashionMnist(new URL(url), size, progress)) };
}

serve({
  async train(p: TrainParams, call) {
    if (state !== 'idle') throw new Error('train: a run is already going; stop it first');
    call.progress('backend', 0);
    await useWasmBackend();
    await ensureData(p.data, p.dataUrl, (f) => call.progress('Fashion-MNIST', f));
    const d = data!;
    model?.dispose();
    deploy?.dispose();
    deploy = undefined;
    params = p;
    model = buildNet(p.block, p.width);
    model.compile({
      optimizer: tf.train.adam(2e-3),
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
    });
    state = 'running';
    const perEpoch = Math.floor(d.train.count / p.batchSize);
    const total = Math.min(p.maxSteps ?? Infinity, perEpoch * p.epochs);
    const evalEvery = Math.max(10, Math.round(perEpoch / 4));
    let step = 0;
    const evaluate = () => {
      const n = Math.min(d.test.count, 500);
      const [loss, acc] = tf.tidy(() => {
        const r = model!.evaluate(images(d.test, 0, n), oneHot(d.test, 0, n), {
          batchSize: 250,
        }) as tf.Scalar[];
        return [r[0].dataSync()[0], r[1].dataSync()[0]];
      });
      emit('eval', { step, loss, accuracy: acc });
    };
    try {
      while (step < total && current() !== 'stopping') {
        if (current() === 'paused') await new Promise<void>((r) => (resume = r));
        if (current() === 'stopping') break;
        const from = (step % perEpoch) * p.batchSize;
        const xs = images(d.train, from, p.batchSize);
        const ys = oneHot(d.train, from, p.batchSize);
        const [loss, acc] = (await model.trainOnBatch(xs, ys)) as number[];
        tf.dispose([xs, ys]);
        step++;
        const event: StepEvent = { step, epoch: Math.floor(step / perEpoch), loss, accuracy: acc };
        emit('step', event);
        call.progress('training', step / total);
        if (step % evalEvery === 0) evaluate();
        await tick(); // let pause / stop messages in
      }
      if (step % evalEvery !== 0) evaluate();
    } finally {
      state = 'idle';
    }
    return { result: { steps: step } };
  },

  pause() {
    if (state === 'running') state = 'paused';
    return Promise.resolve({ result: state });
  },

  resume() {
    if (state === 'paused') {
      state = 'running';
      resume?.();
    }
    return Promise.resolve({ result: state });
  },

  stop() {
    if (state !== 'idle') state = 'stopping';
    resume?.();
    return Promise.resolve({ result: state });
  },

  async reparameterize(_: unknown, call) {
    if (!model || !data) throw new Error('reparameterize: train a model first');
    if (state !== 'idle') throw new Error('reparameterize: stop or finish training first');
    call.progress('collapse', 0.1);
    await tick();
    deploy?.dispose();
    const { model: d, report } = reparameterize(model);
    deploy = d;
    call.progress('predict', 0.4);
    await tick();
    const test = data.test;
    const predTrain = predict(model, test);
    const predDeploy = predict(d, test);
    let differing = 0;
    for (let i = 0; i < test.count; i++) if (predTrain[i] !== predDeploy[i]) differing++;
    call.progress('latency', 0.7);
    await tick();
    const one = images(test, 0, 1);
    const latency = {
      training: medianMs(() => tf.tidy(() => (model!.predict(one) as tf.Tensor).dataSync())),
      deploy: medianMs(() => tf.tidy(() => (d.predict(one) as tf.Tensor).dataSync())),
    };
    one.dispose();
    const worst = report.blocks.reduce(
      (w, b) =>
        b.relativeDeviation > w.relative
          ? { name: b.name, relative: b.relativeDeviation, absolute: b.maxAbsDeviation }
          : w,
      { name: '', relative: 0, absolute: 0 },
    );
    const result: ReparamResult = {
      blocks: report.blocks.length,
      worstBlock: worst,
      outputRelative: report.output.relativeDeviation,
      accuracy: { training: accuracyOf(predTrain, test), deploy: accuracyOf(predDeploy, test) },
      testCount: test.count,
      differing,
      latency,
      params: { training: model.countParams(), deploy: d.countParams() },
      grid: Array.from({ length: 24 }, (_, i) => ({
        pixels: test.images.slice(i * PIXELS, (i + 1) * PIXELS),
        label: test.labels[i],
        training: predTrain[i],
        deploy: predDeploy[i],
      })),
    };
    return { result };
  },

  async models() {
    if (!model || !deploy || !params) throw new Error('models: train and re-parameterize first');
    const result: TrainedModels = {
      block: params.block,
      width: params.width,
      training: await toFiles(model),
      deploy: await toFiles(deploy),
    };
    return { result };
  },

  onnx() {
    if (!deploy) throw new Error('onnx: re-parameterize first');
    const bytes = serializeModel(exportTfjsModel(deploy));
    return Promise.resolve({ result: bytes, transfer: [bytes.buffer] });
  },
});
