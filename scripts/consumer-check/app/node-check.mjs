// The ESM Node script of the consumer check: what a Node user of the published packages writes,
// run in an app that installed the packed tarballs next to its own tfjs. Prints one line per
// check; throws (exit 1) at the first that fails.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { relative } from './relative.mjs';

const warnings = [];
const warn = console.warn;
console.warn = (...args) => warnings.push(args.join(' '));
// Imported after console.warn is watched: two tfjs instances warn while registering kernels.
const tf = await import('@tensorflow/tfjs');
const tfWasm = await import('@tensorflow/tfjs-backend-wasm');
const core = await import('@reparam/core');
const {
  ACBlock,
  DiverseBranchBlock,
  MobileOneBlock,
  RepVGGBlock,
  registerWasmTrainingKernels,
  reparameterize,
} = await import('@reparam/tfjs');
const { WasmConvRuntime } = await import('@reparam/wasm');
const onnx = await import('@reparam/onnx');
console.warn = warn;

const ok = (what) => console.log(`node-check: ok  ${what}`);
function check(condition, what) {
  if (!condition) throw new Error(`node-check: FAIL ${what}`);
  ok(what);
}
// core: a RepVGG block collapses into one conv that computes the same function.
const c = 4;
const w = (n, seed) => Float32Array.from(core.randomTensor([1, 1, 1, n], seed).data);
const bn = (seed) => ({
  gamma: w(c, seed),
  beta: w(c, seed + 1),
  mean: w(c, seed + 2),
  variance: w(c, seed + 3).map((v) => v + 2),
  epsilon: 1e-5,
});
const block = core.repvgg({
  inChannels: c,
  outChannels: c,
  dense: { weight: w(c * c * 9, 1), batchNorm: bn(10) },
  pointwise: { weight: w(c * c, 2), batchNorm: bn(20) },
  identity: bn(30),
});
const deployConv = core.collapse(block);
const x = core.randomTensor([1, c, 8, 8], 5);
const coreError = relative(core.conv2dReference(x, deployConv).data, core.evaluate(block, x).data);
check(coreError < 1e-5, `core: collapse(repvgg) equals evaluate (${coreError.toExponential(1)})`);

// tfjs: one tfjs (the app's), a block applied to the app's tf.input, one training step on the
// app's wasm backend (with @reparam/tfjs's gradient kernels), reparameterize.
const registered = warnings.filter((m) => /already registered/.test(m));
check(registered.length === 0, `tfjs: one tfjs instance (${warnings.length} warnings on import)`);
check(tf.version.tfjs === process.env.EXPECTED_TFJS, `tfjs: the app's tfjs ${tf.version.tfjs}`);
const backendWasm = createRequire(import.meta.url).resolve(
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
);
tfWasm.setWasmPaths(`${dirname(backendWasm)}/`);
const added = registerWasmTrainingKernels();
check(await tf.setBackend('wasm'), `tfjs: wasm backend, ${added.length} gradient kernels added`);
const input = tf.input({ shape: [8, 8, c] });
const features = new RepVGGBlock({ filters: c }).apply(input);
check(features instanceof tf.SymbolicTensor, 'tfjs: RepVGGBlock.apply(tf.input(...)) is symbolic');
const pooled = tf.layers.globalAveragePooling2d({}).apply(features);
const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(pooled) });
model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
const xs = tf.randomNormal([4, 8, 8, c], 0, 1, 'float32', 1);
const loss = await model.trainOnBatch(xs, tf.randomNormal([4, 2], 0, 1, 'float32', 2));
check(Number.isFinite(loss), `tfjs: one training step (loss ${Number(loss).toFixed(4)})`);
const { model: deploy } = reparameterize(model);
check(deploy instanceof tf.LayersModel, 'tfjs: reparameterize returns a tf.LayersModel');
const kinds = deploy.layers.map((l) => l.getClassName());
check(!kinds.includes('RepVGGBlock'), `tfjs: deploy layers ${[...new Set(kinds)].join(', ')}`);
const tfError = relative(await deploy.predict(xs).data(), await model.predict(xs).data());
check(tfError < 1e-4, `tfjs: deploy model equals the trained one (${tfError.toExponential(1)})`);

// tfjs: a model of blocks the pages never name, saved for them to load (fixtures/saved-tfjs/):
// a bundle must keep every layer class's registration, not only those the app imports.
const savedInput = tf.input({ shape: [8, 8, c] });
const savedLayers = [new ACBlock({ filters: c }), new DiverseBranchBlock({ filters: c })];
const savedOutput = [...savedLayers, new MobileOneBlock({ filters: c })].reduce(
  (h, layer) => layer.apply(h),
  savedInput,
);
const savedModel = tf.model({ inputs: savedInput, outputs: savedOutput });
const savedX = tf.randomNormal([1, 8, 8, c], 0, 1, 'float32', 3);
const savedDir = new URL('./fixtures/saved-tfjs/', import.meta.url);
mkdirSync(savedDir, { recursive: true });
await savedModel.save(
  tf.io.withSaveHandler(async (a) => {
    const weights = Array.isArray(a.weightData)
      ? tf.io.concatenateArrayBuffers(a.weightData)
      : a.weightData;
    writeFileSync(new URL('weights.bin', savedDir), new Uint8Array(weights));
    const manifest = [{ paths: ['weights.bin'], weights: a.weightSpecs }];
    const json = { modelTopology: a.modelTopology, format: a.format, weightsManifest: manifest };
    writeFileSync(new URL('model.json', savedDir), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }),
);
const expected = {
  x: Array.from(await savedX.data()),
  y: Array.from(await savedModel.predict(savedX).data()),
};
writeFileSync(new URL('expected.json', savedDir), JSON.stringify(expected));
const classes = savedModel.layers.map((l) => l.getClassName()).slice(1);
ok(`tfjs: saved a model of ${classes.join(', ')} for the pages`);

// wasm: the runtime at 2 threads (worker_threads) agrees with core's reference.
const rt = await WasmConvRuntime.create({ threads: 2 });
const y = rt.conv2d(Float32Array.from(x.data), x.shape, deployConv);
const wasmError = relative(y.data, core.conv2dReference(x, deployConv).data);
check(rt.threads === 2, `wasm: ${rt.threads} threads`);
check(wasmError < 1e-4, `wasm: conv2d equals core's reference (${wasmError.toExponential(1)})`);
rt.dispose();
const wasmFile = createRequire(import.meta.url).resolve('@reparam/wasm/build/reparam.wasm');
check(readFileSync(wasmFile).length > 0, `wasm: @reparam/wasm/build/reparam.wasm is exported`);

// onnx: read a training-form fixture, convert, verify (onnxruntime-web), write, read back.
const fixture = new URL('./fixtures/repvgg_bn.onnx', import.meta.url);
const trained = onnx.readModel(fixture.pathname);
const { model: converted, report } = await onnx.convertModel(trained);
check(
  report.verification?.ok === true,
  `onnx: converted and verified (${report.nodesBefore} -> ${report.nodesAfter} nodes)`,
);
check(!('BatchNormalization' in report.opsAfter), 'onnx: no BatchNormalization left');
const out = new URL('./deploy-node.onnx', import.meta.url).pathname;
onnx.writeModel(out, converted);
const back = onnx.parseModel(readFileSync(out));
check(back.graph.node.length === report.nodesAfter, `onnx: wrote and read back ${out}`);
