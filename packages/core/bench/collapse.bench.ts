/**
 * `pnpm bench`: `collapse` over whole networks built with core's recipes (RepVGG-A0, RepVGG-B0,
 * ResNet-18 with 16 Diverse Branch Blocks), side by side in one run with
 * - the official conversions written with PyTorch ops (bench/pytorch_convert.py, one thread),
 *   when /usr/bin/python3 (or $PYTHON) has torch;
 * - the same collapse with @reparam/wasm's SIMD matrix product injected (`product` option), at 1
 *   and 2 threads (packages/wasm/bench/collapse-product.ts), when that package is here.
 * Times are medians of BENCH_RUNS runs (default 7) after a warm-up, wall clock. With
 * BENCH_ROUNDS=N (default 1) every column is timed N times in turn (PyTorch, JS, wasm 1 and 2
 * threads, again...) and the median round is kept, so a burst of load on the shared machine
 * does not land on one column only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { collapse } from '@reparam/core';
import { COLLAPSE_NETWORKS, medianCollapseMs } from '@reparam/core/testing';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const load = loadavg()[0].toFixed(2);

function peer(command: string, args: string[], what: string): Record<string, number> | undefined {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  if (run.status !== 0) {
    console.log(
      `(${what} not run: ${run.stderr?.split('\n').find((l) => l.trim() !== '') ?? run.error?.message ?? 'failed'})`,
    );
    return undefined;
  }
  const parsed = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  return (parsed.ms ?? parsed) as Record<string, number>;
}

const python = process.env.PYTHON ?? '/usr/bin/python3';
const torchScript = fileURLToPath(new URL('pytorch_convert.py', import.meta.url));
const wasmScript = fileURLToPath(new URL('../../wasm/bench/collapse-product.ts', import.meta.url));
const wasmPeer = (threads: number) =>
  existsSync(wasmScript)
    ? peer(
        process.execPath,
        [
          '--experimental-wasm-relaxed-simd',
          '--conditions=@reparam/source',
          '--import',
          'tsx',
          wasmScript,
          String(threads),
          String(runs),
        ],
        `wasm product at ${threads} threads`,
      )
    : undefined;

type Times = Record<string, number> | undefined;
const networks = COLLAPSE_NETWORKS();
const columns: { torch: Times; js: Times; wasm1: Times; wasm2: Times }[] = [];
for (let round = 0; round < rounds; round++) {
  const torch = peer(
    python,
    [torchScript, String(runs)],
    'PyTorch peer (apt-get install python3-torch)',
  );
  const js = Object.fromEntries(
    networks.map(([name, blocks]) => [name, medianCollapseMs(blocks, runs, (e) => collapse(e))]),
  );
  columns.push({ torch, js, wasm1: wasmPeer(1), wasm2: wasmPeer(2) });
}
/** The median over rounds of one column's time for one network. */
const median = (column: keyof (typeof columns)[number], name: string): number | undefined => {
  const values = columns.map((c) => c[column]?.[name]).filter((v) => v !== undefined);
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
};

const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
const ratio = (v: number | undefined, peerMs: number | undefined) =>
  v === undefined || peerMs === undefined ? '-' : `${(v / peerMs).toFixed(2)}x`;
console.log(
  `collapse, median of ${runs} runs (median of ${rounds} rounds), ${new Date().toISOString()}, ${cpus()[0]?.model ?? '?'} x ${cpus().length}, load ${load} at start, Node ${process.version}; PyTorch: the official transforms, 1 thread; wasm: @reparam/wasm's product (relaxed SIMD) at 1 / 2 threads`,
);
console.log(
  '| network | training weights (MB) | ours, JS (ms) | ours, wasm 1 thread (ms) | ours, wasm 2 threads (ms) | PyTorch (ms) | JS / PyTorch | wasm 1t / PyTorch | wasm 2t / PyTorch |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [name, blocks] of networks) {
  const bytes = blocks.reduce((a, b) => a + b.weightBytes, 0);
  const js = median('js', name);
  const [w1, w2] = [median('wasm1', name), median('wasm2', name)];
  const p = median('torch', name);
  console.log(
    `| ${name} | ${(bytes / 1e6).toFixed(1)} | ${ms(js)} | ${ms(w1)} | ${ms(w2)} | ${ms(p)} | ${ratio(js, p)} | ${ratio(w1, p)} | ${ratio(w2, p)} |`,
  );
}
