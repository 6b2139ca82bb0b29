/**
 * Benchmark (not a test): conversion time of a RepVGG-B0-sized training-form ONNX model (every
 * BatchNormalization kept, 3x3 + 1x1 + identity branches), and onnxruntime-web latency of the
 * training form vs the converted form on a 1x3x224x224 input.
 *   pnpm bench            (from packages/onnx)   options: --size 224 --runs 5 --threads 1
 */
import {
  ModelBuilder,
  convertModel,
  encodeModel,
  openSession,
  parseModel,
  randomFeeds,
  inputDims,
  type ModelProto,
} from '../src/index.js';
import { repvggBlock, Rng } from '../src/test-helpers/blocks.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const size = arg('size', 224);
const runs = arg('runs', 5);
const threads = arg('threads', 1);

/** RepVGG-B0: widths 64/64/128/256/1280 (a = 1, b = 2.5), blocks 1/4/6/16/1, first block of each stage stride 2. */
function repvggB0(): ModelProto {
  const b = new ModelBuilder(17, 'repvgg-b0-train');
  const rng = new Rng(2021);
  let x = b.input('input', [1, 3, size, size]);
  let c = 3;
  const stages: [number, number][] = [
    [64, 1],
    [64, 4],
    [128, 6],
    [256, 16],
    [1280, 1],
  ];
  for (const [width, blocks] of stages) {
    for (let k = 0; k < blocks; k++) {
      x = repvggBlock(b, rng, x, c, width, k === 0 ? 2 : 1);
      c = width;
    }
  }
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [x])]);
  const y = b.op(
    'Gemm',
    [
      pooled,
      b.floats([1000, c], rng.uniform(1000 * c, -0.03, 0.03), 'fc.weight'),
      b.floats([1000], rng.uniform(1000), 'fc.bias'),
    ],
    { transB: 1 },
  );
  b.output(y, [1, 1000]);
  return b.build();
}

/** Median latency of each model, runs interleaved so that machine noise hits both alike. */
async function latencies(
  models: ModelProto[],
  optimization: 'all' | 'disabled',
): Promise<number[]> {
  const sessions = await Promise.all(
    models.map((m) => openSession(encodeModel(m), { threads, optimization })),
  );
  const feeds = randomFeeds(inputDims(models[0]), 7);
  const times: number[][] = models.map(() => []);
  try {
    for (const s of sessions) await s.run(feeds);
    for (let k = 0; k < runs; k++) {
      for (const [i, s] of sessions.entries()) {
        const t0 = performance.now();
        await s.run(feeds);
        times[i].push(performance.now() - t0);
      }
    }
  } finally {
    for (const s of sessions) await s.release();
  }
  return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]);
}

const count = (m: ModelProto) =>
  m.graph!.initializer.reduce((a, t) => a + t.dims.reduce((p, d) => p * d, 1), 0);
const built = repvggB0();
const bytes = encodeModel(built);
let t0 = performance.now();
const model = parseModel(bytes);
const parseMs = performance.now() - t0;
t0 = performance.now();
let last = performance.now();
const { model: deploy, report } = await convertModel(model, {
  threads,
  onProgress: (s) => {
    if (process.env.PROF) console.log(s, (performance.now() - last).toFixed(0));
    last = performance.now();
  },
});
const convertMs = performance.now() - t0;
const v = report.verification!;
console.log(
  `RepVGG-B0 training form at ${size}x${size}: ${(bytes.length / 1e6).toFixed(1)} MB, ${built.graph!.node.length} nodes, ${(count(built) / 1e6).toFixed(2)}M stored values`,
);
console.log(
  `parse ${parseMs.toFixed(0)} ms; convert + verify (2 samples) ${(convertMs / 1000).toFixed(2)} s -> ${deploy.graph!.node.length} nodes, ${(count(deploy) / 1e6).toFixed(2)}M values; worst output error ${v.worst.relative.toExponential(2)} x max|y|`,
);
// 'all' is how onnxruntime deploys (it fuses Conv+BN itself); 'disabled' shows the graphs as written,
// what a runtime without graph rewrites (tfjs, the wasm runtime) would execute.
for (const optimization of ['all', 'disabled'] as const) {
  const [train, conv] = await latencies([model, deploy], optimization);
  console.log(
    `onnxruntime-web (${threads} thread${threads > 1 ? 's' : ''}, graph optimization '${optimization}') median of ${runs} interleaved runs: training form ${train.toFixed(1)} ms, converted ${conv.toFixed(1)} ms (${(train / conv).toFixed(2)}x)`,
  );
}
