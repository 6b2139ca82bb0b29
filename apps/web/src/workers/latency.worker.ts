/// <reference lib="webworker" />
// Times one runtime at one thread count on both forms of a model. One worker per measurement:
// onnxruntime-web fixes its thread count when it first starts, so each count needs a fresh worker.
import { inputDims, openSession, parseModel, randomFeeds } from '@reparam/onnx';
import { UnsupportedModelError, WasmConvRuntime, WasmGraph, graphFromOnnx } from '@reparam/wasm';
import { serve } from '../lib/worker-host.js';
import type { LatencyRow, Timing } from '../lib/convert-types.js';

const WARMUP = 3;
const BUDGET_MS = 1500;
const MAX_RUNS = 50;

/** Median of repeated runs after a warm-up, within a time budget. */
async function median(run: () => unknown): Promise<Timing> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (times.length < MAX_RUNS && performance.now() - start < BUDGET_MS)) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1], runs: times.length };
}

/**
 * Why a runtime could not time a form, in one table cell: the wasm runtime's refusal of a training
 * graph names how many nodes it does not run and the first of them, not all of them.
 */
function reason(e: unknown): Timing {
  if (e instanceof UnsupportedModelError && e.nodes.length > 0) {
    const first = e.nodes[0];
    const count = e.nodes.length === 1 ? 'one node' : `${e.nodes.length} nodes`;
    return {
      error: `the wasm runtime runs deploy graphs; this one has ${count} it does not run (first: ${first.opType} '${first.name}', ${first.reason})`,
    };
  }
  const lines = (e instanceof Error ? e.message : String(e)).split('\n');
  const more = lines.length > 2 ? ` (and ${lines.length - 2} more lines)` : '';
  return { error: `${lines.slice(0, 2).join(' ').slice(0, 240)}${more}` };
}

async function ortTiming(bytes: Uint8Array, threads: number): Promise<Timing> {
  try {
    const model = parseModel(bytes);
    const feeds = randomFeeds(inputDims(model), 1);
    const session = await openSession(bytes, { threads, optimization: 'all' });
    try {
      return await median(() => session.run(feeds));
    } finally {
      await session.release();
    }
  } catch (e) {
    return reason(e);
  }
}

async function wasmTiming(bytes: Uint8Array, rt: WasmConvRuntime): Promise<Timing> {
  try {
    const model = parseModel(bytes);
    const inputs = Object.fromEntries(
      Object.entries(randomFeeds(inputDims(model), 1)).map(([name, t]) => [
        name,
        { data: t.data as Float32Array, shape: [...t.dims] },
      ]),
    );
    const net = WasmGraph.compile(rt, graphFromOnnx(model));
    return await median(() => net.run(inputs));
  } catch (e) {
    return reason(e);
  }
}

serve({
  async measure(p: {
    runtime: LatencyRow['runtime'];
    threads: number;
    training: Uint8Array;
    deploy: Uint8Array;
  }) {
    let row: LatencyRow;
    if (p.runtime === 'onnxruntime-web') {
      const training = await ortTiming(p.training, p.threads);
      const deploy = await ortTiming(p.deploy, p.threads);
      row = { runtime: p.runtime, threads: p.threads, training, deploy };
    } else {
      const rt = await WasmConvRuntime.create({ threads: p.threads });
      try {
        const training = await wasmTiming(p.training, rt);
        const deploy = await wasmTiming(p.deploy, rt);
        row = { runtime: p.runtime, threads: rt.threads, training, deploy };
      } finally {
        rt.dispose();
      }
    }
    return { result: row };
  },
});
