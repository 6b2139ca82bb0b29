import { encodeModel, inputFeeds, openSession } from '@reparam/onnx';
import { defineCommand } from '../command.js';
import { readInput } from '../input.js';
import { writeJson, writeLines } from '../io.js';
import { common, positiveInteger } from '../options.js';

const { shape, seed, timeout, json, 'max-memory': maxMemory } = common;

/** `reparam bench A.onnx [B.onnx ...]`: median onnxruntime-web latency of each model. */
export const bench = defineCommand({
  name: 'bench',
  summary: 'median onnxruntime-web latency of each model',
  usage: 'A.onnx [B.onnx ...] [options]',
  details: [
    'Runs each model on one seeded random input, discards the first run and reports the median.',
    'Without --timeout, onnxruntime runs in-process and nothing stops a model that never ends.',
  ],
  positionals: { min: 1, max: Infinity, what: 'at least one model' },
  options: {
    runs: positiveInteger('timed runs per model (default 10)'),
    threads: positiveInteger('onnxruntime-web threads (default 1)'),
    shape,
    seed,
    timeout,
    json,
    'max-memory': maxMemory,
  },
  examples: ['reparam bench model_train.onnx model_deploy.onnx --runs 20'],
  exitCodes: '0 done, 2 bad input, usage or I/O',
  async run({ options, positionals, io }) {
    const results: { model: string; medianMs: number; runs: number }[] = [];
    for (const path of positionals) {
      const { model } = readInput(path, options['max-memory']);
      const feeds = inputFeeds(model, { shapes: options.shape, seed: options.seed });
      const bytes = encodeModel(model);
      const runs = options.runs ?? 10;
      const times: number[] = [];
      // in-process (no worker) unless --timeout is given: message passing would distort timings
      const timeoutMs = options.timeout === undefined ? undefined : options.timeout * 1000;
      const session = await openSession(bytes, { threads: options.threads, timeoutMs });
      try {
        for (let k = 0; k <= runs; k++) {
          const t0 = performance.now();
          await session.run(feeds);
          if (k > 0) times.push(performance.now() - t0);
        }
      } finally {
        await session.release();
      }
      times.sort((x, y) => x - y);
      results.push({ model: path, medianMs: times[times.length >> 1], runs });
    }
    if (options.json) writeJson(io.stdout, { ok: true, command: 'bench', results });
    else
      writeLines(
        io.stdout,
        results.map(
          (r) =>
            `${r.model}: ${r.medianMs.toFixed(2)} ms median of ${r.runs} (first run discarded)`,
        ),
      );
    return 0;
  },
});
