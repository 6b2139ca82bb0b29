import { encodeModel, UsageError } from '@reparam/onnx';
import type { BenchConfig, BenchRuntime } from '@reparam/wasm/node';
import { benchFailures, benchRatios, benchTable } from '../bench-table.js';
import { defineCommand } from '../command.js';
import { readInput } from '../input.js';
import { writeJson, writeLines } from '../io.js';
import { common, MAX_TIMEOUT_S, positiveInteger, positiveNumber, stringList } from '../options.js';
import { readModelInputs, wasmInputs } from '../wasm-inputs.js';
import { wasmGraphOf } from '../wasm-graph.js';

const { shape, seed, json, 'max-memory': maxMemory } = common;
const RUNTIMES: readonly BenchRuntime[] = ['ours', 'ort-web', 'tfjs-wasm', 'ort-node'];
/** `benchModel`'s default time limit (kept here: the runtime is imported only when bench runs). */
const DEFAULT_BENCH_TIMEOUT_S = 120;

/** The configurations to time: the defaults, narrowed to `--runtime` and `--threads` when given. */
function configsOf(
  defaults: readonly BenchConfig[],
  runtimes: readonly string[],
  threads: readonly string[],
): BenchConfig[] {
  for (const r of runtimes)
    if (!RUNTIMES.includes(r as BenchRuntime))
      throw new UsageError(`--runtime '${r}' must be one of ${RUNTIMES.join(', ')}`);
  const counts = threads.map((t) => {
    const n = Number(t);
    if (!Number.isSafeInteger(n) || n < 1)
      throw new UsageError(`--threads '${t}' must be a positive integer`);
    return n;
  });
  const wanted = (c: BenchConfig) =>
    (runtimes.length === 0 || runtimes.includes(c.runtime)) &&
    (counts.length === 0 || counts.includes(c.threads));
  // tfjs-wasm's Node build has no threads: it is timed at 1 only
  const extra = counts
    .filter((n) => n > 2)
    .flatMap((n) =>
      RUNTIMES.filter((r) => r !== 'tfjs-wasm').map((runtime) => ({ runtime, threads: n })),
    );
  return [...defaults, ...extra].filter(wanted);
}

/** `reparam bench A.onnx [B.onnx ...]`: ours against onnxruntime-web, tfjs-wasm and onnxruntime-node. */
export const bench = defineCommand({
  name: 'bench',
  summary: 'time deploy models on @reparam/wasm, onnxruntime-web, tfjs-wasm and onnxruntime-node',
  usage: 'A.onnx [B.onnx ...] [options]',
  details: [
    'Times each model on every runtime and thread count, each in its own process, one after',
    'another (3 warm-up runs, then --runs timed ones; median), on one input (given, or seeded',
    'random), and checks that every output agrees with onnxruntime within --tolerance (exit 1',
    'if one does not). A runtime that is not installed, cannot load the model or passes',
    '--timeout is reported in its row; the others still run. Run it on an idle machine: the',
    'processes measure wall time.',
  ],
  positionals: { min: 1, max: Infinity, what: 'at least one model' },
  options: {
    runs: positiveInteger('timed runs per runtime (default 10)'),
    runtime: stringList(`runtimes to time (repeat; default all: ${RUNTIMES.join(', ')})`, 'NAME'),
    threads: stringList('thread counts to time (repeat; default 1 and 2)', 'N'),
    input: stringList(
      'the input as a numpy .npy array (NAME=file.npy for several; repeat)',
      'x.npy',
    ),
    shape,
    seed,
    tolerance: positiveNumber('relative tolerance of the output check (default 1e-4)'),
    timeout: positiveNumber(
      `seconds each runtime may take to load and run a model (default ${DEFAULT_BENCH_TIMEOUT_S})`,
      'S',
      MAX_TIMEOUT_S,
      'the longest timer Node can set, 24.8 days',
    ),
    json,
    'max-memory': maxMemory,
  },
  examples: [
    'reparam bench resnet18_deploy.onnx --runs 20',
    'reparam bench model.onnx --runtime ours --runtime ort-web --threads 2 --json',
  ],
  exitCodes: '0 done, 1 outputs disagree, 2 bad input, usage or I/O',
  async run({ options, positionals, io }) {
    const { benchModel, DEFAULT_CONFIGS } = await import('@reparam/wasm/node');
    const configs = configsOf(DEFAULT_CONFIGS, options.runtime, options.threads);
    const tolerance = options.tolerance ?? 1e-4;
    const models = [];
    let agree = true;
    for (const path of positionals) {
      const { model } = readInput(path, options['max-memory']);
      const inputs = wasmInputs(
        model,
        readModelInputs(model, options.input),
        options.shape,
        options.seed ?? 1,
      );
      let graph;
      try {
        graph = await wasmGraphOf(model);
      } catch (e) {
        graph = e instanceof Error ? e : new Error(String(e));
      }
      if (io.stderr.isTTY) io.stderr.write(`bench: ${path}\n`);
      const report = await benchModel(encodeModel(model), graph, inputs, {
        configs,
        runs: options.runs ?? 10,
        timeoutMs: (options.timeout ?? DEFAULT_BENCH_TIMEOUT_S) * 1000,
        onProgress: (c, i, n) => {
          if (io.stderr.isTTY) io.stderr.write(`  ${c.runtime} ${c.threads}T (${i + 1}/${n})\n`);
        },
      });
      agree &&= report.results.every((r) => !r.ok || !((r.relativeError ?? 0) > tolerance));
      models.push({ model: path, ...report });
    }
    if (options.json) writeJson(io.stdout, { ok: agree, command: 'bench', tolerance, models });
    else
      writeLines(
        io.stdout,
        models.flatMap((m) => [
          `${m.model}: ${Number.isNaN(m.flops) ? '?' : (m.flops / 1e9).toFixed(2)} GFLOP, median of ${options.runs ?? 10} runs after 3 warm-up, errors relative to ${m.reference ?? 'nothing (no runtime ran)'}`,
          ...benchTable(m, tolerance),
          ...benchFailures(m.results),
          ...benchRatios(m.results),
        ]),
      );
    return agree ? 0 : 1;
  },
});
