// `pnpm bench`: times the workloads of cases.ts on our runtime (1 and 2 threads), tfjs-wasm
// (1 thread: its Node build has no threads) and onnxruntime-web (1 and 2 threads), each in its own
// process, one after another, and prints one Markdown table of GFLOP/s counted as direct-conv FLOPs.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { flopsOf, workloads } from './cases.js';

interface Result {
  runtime: string;
  threads: number;
  results: Record<string, { ms: number; sum: number }>;
}

const configs: [string, number][] = [
  ['ours', 1],
  ['ours', 2],
  ['tfjs-wasm', 1],
  ['ort-web', 1],
  ['ort-web', 2],
];

const script = fileURLToPath(new URL('./run-one.ts', import.meta.url));
// Every runtime gets relaxed SIMD, as in browsers (Node 20 needs the flag); ours then loads its
// relaxed build (fused multiply-add).
const tsx = ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--conditions=@reparam/source'];
const load = loadavg()[0];
const runs: Result[] = configs.map(([runtime, threads]) => {
  process.stderr.write(`bench: ${runtime} x${threads}...\n`);
  const out = execFileSync(process.execPath, [...tsx, script, runtime, String(threads)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 20,
  });
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Result;
});

const label = (r: Result) => `${r.runtime} ${r.threads}T`;
const gflops = (flops: number, ms: number) => flops / ms / 1e6;
const rows: string[] = [];
rows.push(
  `| workload | GFLOP | ${runs.map(label).join(' | ')} | ours 1T / tfjs-wasm | ours 2T / ort-web 2T | checksums agree |`,
);
rows.push(`|${' --- |'.repeat(runs.length + 5)}`);
for (const net of workloads()) {
  const flops = flopsOf(net);
  const cell = (r: Result) => {
    const ms = r.results[net.name].ms;
    return `${gflops(flops, ms).toFixed(1)} (${ms.toFixed(1)} ms)`;
  };
  const ms = (rt: string, t: number) =>
    runs.find((r) => r.runtime === rt && r.threads === t)?.results[net.name].ms ?? NaN;
  const sums = runs.map((r) => r.results[net.name].sum);
  const spread = (Math.max(...sums) - Math.min(...sums)) / Math.max(...sums);
  rows.push(
    `| ${net.name} | ${(flops / 1e9).toFixed(2)} | ${runs.map(cell).join(' | ')} | ` +
      `${(ms('tfjs-wasm', 1) / ms('ours', 1)).toFixed(2)}x | ${(ms('ort-web', 2) / ms('ours', 2)).toFixed(2)}x | ` +
      `${spread < 1e-4 ? 'yes' : `no (${spread.toExponential(1)})`} |`,
  );
}
// Training step of the small Fashion-MNIST-shaped CNN (bench/train-step.ts), one process each.
const trainScript = fileURLToPath(new URL('./train-step.ts', import.meta.url));
// (tfjs-cpu is left out: its weight-gradient kernel takes minutes per step here.)
const trainConfigs: [string, number][] = [
  ['tfjs-wasm-js', 1],
  ['ours', 1],
  ['ours', 2],
];
const train = trainConfigs.map(([runtime, threads]) => {
  process.stderr.write(`bench: training step ${runtime} x${threads}...\n`);
  const out = execFileSync(process.execPath, [...tsx, trainScript, runtime, String(threads)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '') as {
    runtime: string;
    threads: number;
    ms: number;
    loss: number;
  };
});
const js = train.find((t) => t.runtime === 'tfjs-wasm-js')?.ms ?? NaN;
const trainRows = [
  '| tfjs backend + conv gradient kernels | threads | step (ms) | vs tfjs-wasm + JS kernels | loss |',
  '| --- | --- | --- | --- | --- |',
  ...train.map(
    (t) =>
      `| ${t.runtime} | ${t.threads} | ${t.ms.toFixed(1)} | ${(js / t.ms).toFixed(2)}x | ${t.loss.toFixed(5)} |`,
  ),
];

const cpu = cpus();
console.log(
  `${new Date().toISOString()} — ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, load average at start ${load.toFixed(2)}`,
);
console.log(
  'GFLOP/s as direct-convolution FLOPs (2 per multiply-add), median time per run in brackets; every runtime ran with --experimental-wasm-relaxed-simd.\n',
);
console.log(rows.join('\n'));
console.log(
  '\nTraining step (SGD, batch 32, 28x28x1, 4 convs + depthwise + GAP + dense; bench/train-step.ts):\n',
);
console.log(trainRows.join('\n'));
