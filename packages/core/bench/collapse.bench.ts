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
console.log(`collapse timings, median of ${runs} runs (Node ${process.version})`);
console.log('| network | blocks | training-form weights (MB) | collapse (ms) | MB/s |');
console.log('|---|---|---|---|---|');
for (const [name, blocks] of networks) {
  const bytes = blocks.reduce((a, b) => a + b.weightBytes, 0);
  const ms = timeCollapse(blocks, runs);
  console.log(
    `| ${name} | ${blocks.length} | ${(bytes / 1e6).toFixed(1)} | ${ms.toFixed(1)} | ${(bytes / 1e6 / (ms / 1000)).toFixed(0)} |`,
  );
}
