// The page of the consumer check, bundled by Vite and by esbuild from the installed tarballs.
// Query: ?wasmPaths=/dir/&ortPaths=/dir/ (base paths, for bundlers that do not copy .wasm files),
// ?threads=N, ?skip=onnx, ?tfjsWasm=/dir/ (tfjs trains on its wasm backend, at `threads` threads
// unless ?tfjsThreads=off). Sets window.result, or window.failure with the first error.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { conv2dReference, makeConv, randomTensor } from '@reparam/core';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { RepVGGBlock, registerWasmTrainingKernels, reparameterize } from '@reparam/tfjs';
import { WasmConvRuntime, setWasmPaths } from '@reparam/wasm';
import { convertModel, parseModel, serializeModel } from '@reparam/onnx';
import { relative } from '../relative.mjs';

const query = new URLSearchParams(location.search);
const threads = Number(query.get('threads') ?? 2);
if (query.has('wasmPaths')) setWasmPaths(query.get('wasmPaths'));
if (query.has('ortPaths')) ort.env.wasm.wasmPaths = query.get('ortPaths');

async function wasmRuntime() {
  const conv = makeConv({
    shape: [16, 8, 3, 3],
    weight: randomTensor([16, 8, 3, 3], 1).data,
    bias: randomTensor([1, 1, 1, 16], 2).data,
    padding: 1,
  });
  const x = randomTensor([1, 8, 24, 24], 3);
  const rt = await WasmConvRuntime.create({ threads });
  try {
    const y = rt.conv2d(x.data, x.shape, conv);
    const error = relative(y.data, conv2dReference(x, conv).data);
    return { threads: rt.threads, relaxedSimd: rt.relaxedSimd, error };
  } finally {
    rt.dispose();
  }
}

async function missingWasm() {
  try {
    await WasmConvRuntime.create({ wasmPaths: '/missing/', relaxedSimd: false });
    return 'loaded from /missing/';
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}

/** tfjs's backend: cpu, or wasm (threaded unless ?tfjsThreads=off) with our gradient kernels. */
async function tfjsBackend() {
  if (!query.has('tfjsWasm')) return tf.setBackend('cpu');
  tfWasm.setWasmPaths(query.get('tfjsWasm'));
  if (query.get('tfjsThreads') === 'off') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  else tfWasm.setThreadsCount(threads);
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not start');
}

async function tfjsBlock() {
  await tfjsBackend();
  const input = tf.input({ shape: [8, 8, 4] });
  const output = new RepVGGBlock({ filters: 4 }).apply(input);
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  const x = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 4);
  const loss = Number(
    await model.trainOnBatch(x, tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 5)),
  );
  const { model: deploy } = reparameterize(model);
  return {
    backend: tf.getBackend(),
    threads: tf.getBackend() === 'wasm' ? tfWasm.getThreadsCount() : 1,
    binary: performance
      .getEntriesByType('resource')
      .map((r) => r.name.split('/').pop())
      .find((name) => name.startsWith('tfjs-backend-wasm')),
    loss,
    error: relative(await deploy.predict(x).data(), await model.predict(x).data()),
  };
}

// A saved model of block classes this page never names (written by node-check.mjs): the bundle
// must have kept their registration with tf.serialization.
async function savedModel() {
  const model = await tf.loadLayersModel('/fixtures/saved-tfjs/model.json');
  const expected = await (await fetch('/fixtures/saved-tfjs/expected.json')).json();
  const x = tf.tensor(expected.x, [1, 8, 8, 4]);
  const { model: deploy } = reparameterize(model);
  return {
    classes: model.layers.slice(1).map((l) => l.getClassName()),
    loaded: relative(await model.predict(x).data(), expected.y),
    deployed: relative(await deploy.predict(x).data(), expected.y),
  };
}

async function onnxConversion() {
  const bytes = new Uint8Array(await (await fetch('/fixtures/repvgg_bn.onnx')).arrayBuffer());
  const { model, report } = await convertModel(parseModel(bytes), { threads });
  return {
    ok: report.verification.ok,
    worst: report.verification.worst.relative,
    nodes: [report.nodesBefore, report.nodesAfter],
    bytes: serializeModel(model).length,
  };
}

try {
  window.result = {
    isolated: crossOriginIsolated,
    wasm: await wasmRuntime(),
    missingWasm: await missingWasm(),
    tfjs: await tfjsBlock(),
    saved: await savedModel(),
    onnx: query.get('skip') === 'onnx' ? undefined : await onnxConversion(),
  };
} catch (e) {
  window.failure = `${e.name}: ${e.message}`;
}
