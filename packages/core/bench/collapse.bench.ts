import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { collapse } from '@reparam/core';
import { dbbResnet18, REPVGG_A0, REPVGG_B0, repvggNetwork, type NetworkBlock } from './networks.js';

/** Median wall time of collapsing every block of a network, over `runs` runs after one warm-up. */
function timeCollapse(blocks: NetworkBlock[], runs: number): number {
  const times: number[] = [];
  for (let r = 0; r <= runs; r++) {
    const start = performance.now();
    for (const b of blocks) collapse(b.expr);
    if (r > 0) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const networks: [string, NetworkBlock[]][] = [
  ['RepVGG-A0', repvggNetwork(REPVGG_A0.widths, REPVGG_A0.blocks)],
  ['RepVGG-B0', repvggNetwork(REPVGG_B0.widths, REPVGG_B0.blocks)],
  ['DBB ResNet-18 (16 blocks)', dbbResnet18()],
];

const runs = Number(process.env.BENCH_RUNS ?? 7);

/** The same conversion written with PyTorch tensor ops, run in this benchmark when torch is installed. */
function pytorchPeer(): Record<string, number> {
  const script = fileURLToPath(new URL('pytorch_repvgg_convert.py', import.meta.url));
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const run = spawnSync(python, [script, String(runs)], { encoding: 'utf8' });
  if (run.status !== 0) {
    console.log(
      `(PyTorch peer not run: ${python} with torch is not available; apt-get install python3-torch)`,
    );
    return {};
  }
  return JSON.parse(run.stdout) as Record<string, number>;
}

const peer = pytorchPeer();
console.log(
  `collapse timings, median of ${runs} runs (Node ${process.version}); PyTorch peer: the same folding with torch ops, 1 thread`,
);
console.log(
  '| network | blocks | training-form weights (MB) | collapse (ms) | MB/s | PyTorch peer (ms) | peer / ours |',
);
console.log('|---|---|---|---|---|---|---|');
for (const [name, blocks] of networks) {
  const bytes = blocks.reduce((a, b) => a + b.weightBytes, 0);
  const ms = timeCollapse(blocks, runs);
  const other = peer[name];
  const vs = other === undefined ? '-' : `${other.toFixed(1)} | ${(other / ms).toFixed(2)}x`;
  console.log(
    `| ${name} | ${blocks.length} | ${(bytes / 1e6).toFixed(1)} | ${ms.toFixed(1)} | ${(bytes / 1e6 / (ms / 1000)).toFixed(0)} | ${other === undefined ? '- | -' : vs} |`,
  );
}
