import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  convertModel,
  readModel,
  openSession,
  inputDims,
  randomFeeds,
  encodeModel,
  verifyModels,
  writeModel,
  UsageError,
} from '@reparam/onnx';
import type { CliArgs } from './args.js';
import { formatOps, formatRegions, formatVerification, regionSizes } from './format.js';
import { progressBar, type CliIO } from './progress.js';

const options = (args: CliArgs) => ({
  shapes: args.shapes,
  tolerance: args.tolerance,
  seed: args.seed,
  threads: args.threads,
  samples: args.samples,
  timeoutMs: (args.timeout ?? DEFAULT_TIMEOUT_S) * 1000,
});

/** Seconds one onnxruntime load or run may take before the command gives up (exit 2). */
export const DEFAULT_TIMEOUT_S = 600;

function one(args: CliArgs, what: string): string {
  if (args.positional.length !== 1)
    throw new UsageError(
      `reparam ${args.command}: expected ${what}, got ${args.positional.length} paths`,
    );
  return args.positional[0];
}

/** `reparam convert IN.onnx -o OUT.onnx`: collapse, verify, write atomically. */
export async function convertCommand(args: CliArgs, io: CliIO): Promise<number> {
  const input = one(args, 'one input model');
  if (args.output === undefined) throw new UsageError('reparam convert: -o OUT.onnx is required');
  if (resolve(args.output) === resolve(input))
    throw new UsageError(
      `reparam convert: refusing to overwrite the input '${input}'; choose another -o`,
    );
  const folder = dirname(resolve(args.output));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new UsageError(`reparam convert: the folder of -o '${args.output}' does not exist`);
  }
  const model = readModel(input);
  const bar = progressBar(io);
  let result;
  try {
    result = await convertModel(model, {
      ...options(args),
      verify: args.verify,
      onProgress: bar.update,
    });
  } finally {
    bar.done();
  }
  writeModel(args.output, result.model, { protect: [input] });
  const { report } = result;
  if (args.json)
    io.stdout.write(
      `${JSON.stringify({ ok: true, command: 'convert', input, output: args.output, report })}\n`,
    );
  else {
    const collapsed = report.regions.filter((r) => r.status !== 'kept').length;
    io.stdout.write(
      `${[
        `${input}: ${report.regions.length} linear regions, ${collapsed} collapsed; ${formatOps(report)}`,
        ...formatRegions(report).filter(
          (l) => !l.startsWith('region') || l.includes(' kept:') || l.includes('partly'),
        ),
        report.verification
          ? formatVerification(report.verification)
          : 'not verified (--no-verify)',
        `wrote ${args.output}`,
      ].join('\n')}\n`,
    );
  }
  return 0;
}

/** `reparam inspect IN.onnx`: regions, block kinds, parameters and MACs before and after. */
export async function inspectCommand(args: CliArgs, io: CliIO): Promise<number> {
  const input = one(args, 'one model');
  const bar = progressBar(io);
  let report;
  try {
    ({ report } = await convertModel(readModel(input), {
      ...options(args),
      verify: false,
      onProgress: bar.update,
    }));
  } finally {
    bar.done();
  }
  const totals = report.regions.map(regionSizes).reduce(
    (a, s) => ({
      pb: a.pb + s.before.params,
      pa: a.pa + s.after.params,
      mb: a.mb + s.before.macs,
      ma: a.ma + s.after.macs,
    }),
    { pb: 0, pa: 0, mb: 0, ma: 0 },
  );
  if (args.json)
    io.stdout.write(`${JSON.stringify({ ok: true, command: 'inspect', input, report, totals })}\n`);
  else {
    io.stdout.write(
      `${[
        `${input}: ${report.regions.length} linear regions; ${formatOps(report)}`,
        ...formatRegions(report),
        `collapsible regions: params ${totals.pb} -> ${totals.pa}, multiply-adds ${totals.mb} -> ${totals.ma}`,
      ].join('\n')}\n`,
    );
  }
  return 0;
}

/** `reparam verify A.onnx B.onnx`: same outputs (exit 0) or not (exit 1). */
export async function verifyCommand(args: CliArgs, io: CliIO): Promise<number> {
  if (args.positional.length !== 2)
    throw new UsageError(`reparam verify: expected two models, got ${args.positional.length}`);
  const [a, b] = args.positional.map(readModel);
  const names = (m: typeof a) =>
    m
      .graph!.output.map((o) => o.name)
      .sort()
      .join(',');
  if (names(a) !== names(b))
    throw new UsageError(`reparam verify: outputs differ: [${names(a)}] vs [${names(b)}]`);
  const result = await verifyModels(a, b, options(args));
  if (args.json)
    io.stdout.write(
      `${JSON.stringify({ ok: result.ok, command: 'verify', models: args.positional, result })}\n`,
    );
  else io.stdout.write(`${formatVerification(result)}\n`);
  return result.ok ? 0 : 1;
}

/** `reparam bench A.onnx [B.onnx ...]`: median onnxruntime-web latency of each model. */
export async function benchCommand(args: CliArgs, io: CliIO): Promise<number> {
  if (args.positional.length === 0)
    throw new UsageError('reparam bench: expected at least one model');
  const results: { model: string; medianMs: number; runs: number }[] = [];
  for (const path of args.positional) {
    const model = readModel(path);
    const feeds = randomFeeds(inputDims(model, args.shapes), args.seed ?? 1);
    const bytes = encodeModel(model);
    const runs = args.runs ?? 10;
    const times: number[] = [];
    // in-process (no worker) unless --timeout is given: message passing would distort timings
    const timeoutMs = args.timeout === undefined ? undefined : args.timeout * 1000;
    const session = await openSession(bytes, { threads: args.threads, timeoutMs });
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
  if (args.json) io.stdout.write(`${JSON.stringify({ ok: true, command: 'bench', results })}\n`);
  else
    io.stdout.write(
      `${results.map((r) => `${r.model}: ${r.medianMs.toFixed(2)} ms median of ${r.runs} (first run discarded)`).join('\n')}\n`,
    );
  return 0;
}
