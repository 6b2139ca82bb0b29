/**
 * Converts a small training-form model exported from PyTorch (a DBB network whose every
 * BatchNormalization was kept, with DBB's pad-with-bias exported as ScatterND), verifies it
 * against the original with onnxruntime-web, writes it, and times both forms.
 *   pnpm demo [model.onnx] [out.onnx]
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  convertModel,
  encodeModel,
  inputDims,
  openSession,
  randomFeeds,
  readModel,
  writeModel,
  type ModelProto,
} from '@reparam/onnx';

const input =
  process.argv[2] ??
  fileURLToPath(new URL('../../../packages/onnx/fixtures/dbb_bn.onnx', import.meta.url));
const output = process.argv[3] ?? fileURLToPath(new URL('../out/dbb_deploy.onnx', import.meta.url));

const original = readModel(input);
const t0 = performance.now();
const { model, report } = await convertModel(original); // verification is on by default
const seconds = (performance.now() - t0) / 1000;
mkdirSync(dirname(output), { recursive: true });
writeModel(output, model, { protect: [input] });

const ops = (m: ModelProto) => m.graph!.node.length;
console.log(
  `${input}\n  ${ops(original)} nodes -> ${ops(model)} nodes in ${seconds.toFixed(2)} s (collapse + verification)`,
);
for (const r of report.regions)
  console.log(`  region ${r.id}: ${r.kind} (${r.nodes.length} nodes) ${r.status}`);
const v = report.verification!;
console.log(
  `  verified on seeded random inputs: worst output '${v.worst.name}' off by ${v.worst.relative.toExponential(2)} x max|y|`,
);
console.log(`  wrote ${output}`);

/** Median onnxruntime-web latency over interleaved runs. */
async function time(models: ModelProto[], runs = 20): Promise<number[]> {
  const sessions = await Promise.all(
    models.map((m) => openSession(encodeModel(m), { optimization: 'all' })),
  );
  const feeds = randomFeeds(inputDims(models[0]), 1);
  const times: number[][] = models.map(() => []);
  for (let k = 0; k <= runs; k++) {
    for (const [i, s] of sessions.entries()) {
      const start = performance.now();
      await s.run(feeds);
      if (k > 0) times[i].push(performance.now() - start);
    }
  }
  await Promise.all(sessions.map((s) => s.release()));
  return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]);
}

const [before, after] = await time([original, model]);
console.log(
  `  onnxruntime-web median latency: training form ${before.toFixed(3)} ms, converted ${after.toFixed(3)} ms`,
);
