// A benchmark child process (forked by bench-model.ts): loads one model on one runtime, times it
// and sends back the times and outputs. One process per runtime and thread count, since
// onnxruntime-web fixes its threads when it first loads, and so that runs do not share a heap.
import { loadRunner, type RunnerInput } from './runners.js';
import type { GraphTensor } from '../graph/wasm-graph.js';

/** The message a child receives. */
export interface ChildRequest extends RunnerInput {
  readonly warmup: number;
  readonly runs: number;
}

/** The message a child sends back. */
export type ChildReply =
  | {
      ok: true;
      detail: string;
      /** Wall-clock milliseconds of each timed run. */
      times: number[];
      /** CPU milliseconds of the process (all its threads) per timed run. */
      cpu: number[];
      outputs: Record<string, GraphTensor>;
    }
  | { ok: false; error: string };

async function serve(request: ChildRequest): Promise<ChildReply> {
  try {
    const runner = await loadRunner(request);
    try {
      let outputs = await runner.run();
      for (let i = 1; i < request.warmup; i++) outputs = await runner.run();
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < request.runs; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        outputs = await runner.run();
        times.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      return { ok: true, detail: runner.detail, times, cpu, outputs };
    } finally {
      await runner.dispose();
    }
  } catch (e) {
    return {
      ok: false,
      error: e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e),
    };
  }
}

process.once('message', (request: ChildRequest) => {
  void serve(request).then((reply) => process.send!(reply, () => process.exit(0)));
});
