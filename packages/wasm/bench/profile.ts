// `pnpm bench:networks --profile [--threads N] [network...]`: where ours spends its time, per
// kind of fused step (conv algorithm and kernel geometry, pooling, add...), from WasmGraph.profile:
// per-step medians of --runs runs after 3 warm-up, summed per kind, with the kind's direct-conv
// GFLOP/s. Timing each step adds a performance.now() pair per step; totals are the sum of steps.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseModel } from '@reparam/onnx';
import { graphFromOnnx, WasmConvRuntime, WasmGraph } from '../src/index.js';
import { readNpy } from '../src/node/index.js';
import { numberFlag } from './flags.js';

interface Kind {
  ms: number;
  flops: number;
  steps: number;
}

/** Prints one table per network: time per kind of step at `threads` threads. */
export async function profileNetworks(dir: string, networks: readonly string[]): Promise<void> {
  const threads = numberFlag('--threads', 1);
  const runs = numberFlag('--runs', 20);
  const load = loadavg();
  console.log(
    `Per-step profile, ${threads} thread(s), median of ${runs} runs after 3 warm-up, ${new Date().toISOString()}, ${cpus()[0]?.model ?? 'unknown CPU'}, load ${load.map((l) => l.toFixed(1)).join(' / ')}`,
  );
  for (const network of networks) {
    const bytes = readFileSync(`${dir}${network}.onnx`);
    const input = readNpy(`${dir}${network}.input.npy`);
    const graph = graphFromOnnx(parseModel(bytes));
    const rt = await WasmConvRuntime.create({ threads });
    try {
      const net = WasmGraph.compile(rt, graph);
      for (let i = 0; i < 3; i++) net.run({ input });
      const steps = net.profile({ input }, runs);
      const convs = new Map(graph.nodes.map((n) => [n.name, n]));
      const kinds = new Map<string, Kind>();
      for (const s of steps) {
        const size = s.shape.reduce((a, b) => a * b, 1);
        const conv = s.nodes.map((n) => convs.get(n)).find((n) => n?.op === 'conv');
        let flops = 0;
        if (conv?.op === 'conv') {
          const [, ig, kh, kw] = conv.conv.shape;
          flops = 2 * size * ig * kh * kw;
        }
        const label = `${s.op}${s.detail === undefined ? '' : ` ${s.detail}`}`;
        const k = kinds.get(label) ?? { ms: 0, flops: 0, steps: 0 };
        kinds.set(label, { ms: k.ms + s.ms, flops: k.flops + flops, steps: k.steps + 1 });
      }
      const total = steps.reduce((a, s) => a + s.ms, 0);
      console.log(`\n${network}: ${total.toFixed(2)} ms in ${steps.length} steps\n`);
      console.log('| step kind | steps | ms | share | GFLOP/s |');
      console.log('| --- | --- | --- | --- | --- |');
      for (const [label, k] of [...kinds].sort((a, b) => b[1].ms - a[1].ms)) {
        const rate = k.flops === 0 ? '-' : (k.flops / k.ms / 1e6).toFixed(1);
        const share = ((100 * k.ms) / total).toFixed(1);
        console.log(`| ${label} | ${k.steps} | ${k.ms.toFixed(2)} | ${share}% | ${rate} |`);
      }
    } finally {
      rt.dispose();
    }
  }
}
