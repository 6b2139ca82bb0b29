// `pnpm bench:networks`: the issue-12 table. Whole deploy networks at 224x224 (written by
// networks.py with Debian's PyTorch into the gitignored .cache/networks on first use), each timed
// by benchModel on ours (1 and 2 threads), onnxruntime-web (1 and 2), tfjs-wasm (1) and native
// onnxruntime-node (1 and 2), outputs compared; plus the per-core SIMD multiply-add ceiling.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseModel } from '@reparam/onnx';
import { graphFromOnnx, WasmConvRuntime, WasmGraph } from '../src/index.js';
import { benchModel, readNpy, type BenchReport } from '../src/node/index.js';
import { numberFlag } from './flags.js';

const NETWORKS = ['repvgg-a0', 'mobileone-s0', 'resnet-18', 'mobilenet-v2'];
const dir = fileURLToPath(new URL('../.cache/networks/', import.meta.url));
const only = process.argv.slice(2).filter((a) => NETWORKS.includes(a));
const networks = only.length > 0 ? only : NETWORKS;
// --rounds N: time every runtime N times in turn and keep each one's median: the shared machine's
// speed drifts within minutes, and rounds in turn spread that drift over all runtimes alike.
const rounds = numberFlag('--rounds', 1);

const missing = networks.filter((n) => !existsSync(`${dir}${n}.onnx`));
if (missing.length > 0 && !process.argv.includes('--render')) {
  process.stderr.write(`bench: generating ${missing.join(', ')} with /usr/bin/python3 (torch)\n`);
  const script = fileURLToPath(new URL('./networks.py', import.meta.url));
  execFileSync('/usr/bin/python3', [script, dir, '--only', missing.join(',')], {
    stdio: 'inherit',
  });
}

if (process.argv.includes('--profile')) {
  const { profileNetworks } = await import('./profile.js');
  await profileNetworks(dir, networks);
  process.exit(0);
}

/** GFLOP/s of 12 independent f32x4 multiply-adds per iteration on one core (CPU time, best of 10). */
async function simdPeak(file: string): Promise<number> {
  const bytes = readFileSync(fileURLToPath(new URL(`../build/${file}`, import.meta.url)));
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  const peak = instance.exports.simdPeak as (n: number) => number;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  peak(1e6);
  let best = 0;
  for (let r = 0; r < 10; r++) {
    const t = cpu();
    peak(2e7);
    best = Math.max(best, (2e7 * 12 * 8) / (cpu() - t) / 1e6);
  }
  return best;
}

/** Each runtime's median over rounds of its median (and CPU) ms; failed if any round failed. */
function medianOfRounds(reports: BenchReport[]): BenchReport {
  const middle = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const m = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  };
  const [first] = reports;
  const results = first.results.map((x, i) => {
    const all = reports.map((r) => r.results[i]);
    const bad = all.find((y) => !y.ok);
    if (bad !== undefined) return bad;
    return {
      ...x,
      medianMs: middle(all.map((y) => y.medianMs ?? NaN)),
      cpuMs: middle(all.map((y) => y.cpuMs ?? NaN)),
      relativeError: Math.max(...all.map((y) => y.relativeError ?? 0)),
    };
  });
  return { ...first, results };
}

type NetworkReport = BenchReport & { network: string; torchError: number };
interface Results {
  started: string;
  rounds?: number;
  loadBefore: number[];
  loadAfter: number[];
  peaks: { simd128: number; relaxed: number };
  reports: NetworkReport[];
}

async function measure(): Promise<Results> {
  const loadBefore = loadavg();
  const started = new Date();
  const peaks = {
    simd128: await simdPeak('reparam.wasm'),
    relaxed: await simdPeak('reparam-relaxed.wasm'),
  };
  const reports: NetworkReport[] = [];
  for (const network of networks) {
    const bytes = readFileSync(`${dir}${network}.onnx`);
    const input = readNpy(`${dir}${network}.input.npy`);
    const torch = readNpy(`${dir}${network}.torch.npy`);
    const perRound: BenchReport[] = [];
    for (let round = 1; round <= rounds; round++) {
      process.stderr.write(`bench: ${network}, round ${round} of ${rounds}\n`);
      perRound.push(
        await benchModel(
          bytes,
          graphFromOnnx(parseModel(bytes)),
          { input },
          {
            runs: 10,
            onProgress: (c) => process.stderr.write(`  ${c.runtime} ${c.threads}T\n`),
          },
        ),
      );
    }
    const report = medianOfRounds(perRound);
    // ours 1T's output against PyTorch's own (an independent reference), from a separate run
    const rt = await WasmConvRuntime.create({ threads: 1 });
    const y = WasmGraph.compile(rt, graphFromOnnx(parseModel(bytes))).run({ input }).output;
    rt.dispose();
    let scale = 0;
    let diff = 0;
    torch.data.forEach((v, i) => {
      scale = Math.max(scale, Math.abs(v));
      diff = Math.max(diff, Math.abs(v - y.data[i]));
    });
    reports.push({ ...report, network, torchError: diff / scale });
  }
  const loadAfter = loadavg();
  const results = { started: started.toISOString(), rounds, loadBefore, loadAfter, peaks, reports };
  writeFileSync(`${dir}results.json`, JSON.stringify(results, null, 1));
  return results;
}

// --render prints the table of the last run's results.json again (no measuring)
const measured = process.argv.includes('--render')
  ? (JSON.parse(readFileSync(`${dir}results.json`, 'utf8')) as Results)
  : await measure();
const { started, loadBefore, loadAfter, peaks, reports } = measured;
const roundsDone = measured.rounds ?? 1;
const find = (r: BenchReport, runtime: string, threads: number) =>
  r.results.find((x) => x.ok && x.runtime === runtime && x.threads === threads);
const ms = (r: BenchReport, runtime: string, threads: number) =>
  find(r, runtime, threads)?.medianMs;
const cpuMs = (r: BenchReport, runtime: string, threads: number) =>
  find(r, runtime, threads)?.cpuMs;
const cell = (r: BenchReport, runtime: string, threads: number) => {
  const x = find(r, runtime, threads);
  return x?.medianMs === undefined ? 'failed' : `${x.medianMs.toFixed(1)} (${x.cpuMs?.toFixed(1)})`;
};
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`;
const cpu = cpus();
const lines = [
  `Measured with \`pnpm bench:networks${roundsDone > 1 ? ` --rounds ${roundsDone}` : ''}\` on ${started}: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, load average ${loadBefore.map((l) => l.toFixed(1)).join(' / ')} before and ${loadAfter.map((l) => l.toFixed(1)).join(' / ')} after (1 / 5 / 15 min). Each cell: median wall ms of 10 runs after 3 warm-up (median CPU ms of the process per run, all threads)${roundsDone > 1 ? `, the median of ${roundsDone} rounds that time every runtime in turn` : ''}; each runtime in its own process with --experimental-wasm-relaxed-simd. SIMD multiply-add ceiling of one core (CPU time): ${peaks.simd128.toFixed(1)} GFLOP/s SIMD128, ${peaks.relaxed.toFixed(1)} relaxed (fused).`,
  '',
  '| network | GFLOP | ours 1T | ours 2T | ort-web 1T | ort-web 2T | tfjs-wasm 1T | ort-node 1T | ort-node 2T |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...reports.map(
    (r) =>
      `| ${r.network} | ${(r.flops / 1e9).toFixed(2)} | ${cell(r, 'ours', 1)} | ${cell(r, 'ours', 2)} | ${cell(r, 'ort-web', 1)} | ${cell(r, 'ort-web', 2)} | ${cell(r, 'tfjs-wasm', 1)} | ${cell(r, 'ort-node', 1)} | ${cell(r, 'ort-node', 2)} |`,
  ),
  '',
  '| network | ours 2T vs ort-web 2T (wall) | ours 1T vs tfjs-wasm 1T (wall / CPU) | ours 1T vs ort-web 1T (wall / CPU) | ort-node 1T vs ours 1T (CPU) | ours 1T GFLOP/s by CPU time (% of relaxed peak) | max rel. error vs ort-web / vs PyTorch |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...reports.map((r) => {
    const o1 = cpuMs(r, 'ours', 1);
    const gflops = o1 === undefined ? undefined : r.flops / o1 / 1e6;
    const worst = Math.max(...r.results.filter((x) => x.ok).map((x) => x.relativeError ?? 0));
    const both = (peer: string) =>
      `${ratio(ms(r, peer, 1), ms(r, 'ours', 1))} / ${ratio(cpuMs(r, peer, 1), o1)}`;
    return `| ${r.network} | ${ratio(ms(r, 'ort-web', 2), ms(r, 'ours', 2))} | ${both('tfjs-wasm')} | ${both('ort-web')} | ${ratio(o1, cpuMs(r, 'ort-node', 1))} | ${gflops === undefined ? '-' : `${gflops.toFixed(1)} (${((100 * gflops) / peaks.relaxed).toFixed(0)}%)`} | ${worst.toExponential(1)} / ${r.torchError.toExponential(1)} |`;
  }),
];
const failures = reports.flatMap((r) =>
  r.results
    .filter((x) => !x.ok)
    .map((x) => `- ${r.network} ${x.runtime} ${x.threads}T: ${x.error}`),
);
console.log([...lines, ...(failures.length > 0 ? ['', ...failures] : [])].join('\n'));
writeFileSync(
  `${dir}results.json`,
  JSON.stringify({ started, rounds: roundsDone, loadBefore, loadAfter, peaks, reports }, null, 1),
);
