import {
  convertModel,
  preloadRuntime,
  UsageError,
  writeModel,
  type ConversionReport,
} from '@reparam/onnx';
import { collapseProduct } from '../collapse-product.js';
import { defineCommand } from '../command.js';
import { formatRegions, formatVerification } from '../format.js';
import { readInput, type InputModel } from '../input.js';
import { writeJson, writeLines } from '../io.js';
import { byteSize, common, flag, positiveInteger, stringValue } from '../options.js';
import { checkOutputPath } from '../output-path.js';
import { profiler, profileTable } from '../profile.js';
import { progressBar } from '../progress.js';
import { summarize, summaryTable } from '../summary.js';
import { engineOption, runOptions, threadsOption } from './run-options.js';

/** `reparam convert IN.onnx -o OUT.onnx`: collapse, verify, write atomically. */
export const convert = defineCommand({
  name: 'convert',
  summary: 'collapse the linear regions of a training-form model into plain convolutions',
  usage: 'IN.onnx -o OUT.onnx [options]',
  details: [
    'Each re-parameterizable block (RepVGG, ACB, DBB, MobileOne, Conv+BN...) becomes one Conv.',
    'The result is verified with onnxruntime-web (onnxruntime-node where installed, when the',
    'former cannot run the model) on the given (--input) or seeded random inputs, and written only',
    'when every output that depends on no random operator agrees within the tolerance, via a',
    'temporary file and a rename. A model with nothing to collapse is written back unchanged but',
    'for dead nodes. The input and every file it reads (external data) are never overwritten; an',
    'existing OUT needs --force.',
  ],
  positionals: { min: 1, max: 1, what: 'one input model' },
  options: {
    output: stringValue('where to write the converted model (required)', 'OUT.onnx', 'o'),
    force: flag('replace OUT if it exists', 'f'),
    'no-verify': flag('write without comparing against the original'),
    opset: positiveInteger(
      "write the model at this opset of the default domain: its own (default) or a newer one up to 21, the nodes whose operators changed form rewritten; refused when a node's old meaning cannot be stated exactly",
    ),
    'external-data': byteSize(
      'write initializers of at least BYTES (e.g. 1024, 1M) to OUT.data next to OUT; automatic (1K) when they exceed 2 GiB',
    ),
    profile: flag(
      'print where the time went (read, check, probe, regions, collapse, rewrite, verify, write) and the peak memory on stderr',
    ),
    threads: threadsOption,
    engine: engineOption,
    ...common,
  },
  examples: [
    'reparam convert model_train.onnx -o model_deploy.onnx',
    'reparam convert model.onnx -o out.onnx --shape input=1x3x224x224 --tolerance 1e-4',
    'reparam convert detector.onnx -o out.onnx --input image=photo_u8.npy',
    'reparam convert big.onnx -o out.onnx --external-data 1K   # weights in out.onnx.data',
    'reparam convert old_opset9.onnx -o out.onnx --opset 17',
    'reparam convert big_train.onnx -o big.onnx --threads 4   # idle machine with 4+ cores',
  ],
  exitCodes: '0 written, 1 verification failed (nothing written), 2 bad input, usage or I/O',
  async run({ options, positionals: [path], io }) {
    if (options.output === undefined)
      throw new UsageError('convert: -o OUT.onnx is required; see reparam convert --help');
    checkOutputPath(options.output, [path], options.force);
    const clock = profiler();
    const run = runOptions(options);
    // onnxruntime and the SIMD kernels load in worker threads while the model is read
    const runtime = preloadRuntime(run);
    const kernels = collapseProduct();
    const bar = progressBar(io);
    let input: InputModel;
    let result;
    try {
      input = readInput(path, options['max-memory']);
      clock.lap('read');
      result = await convertModel(input.model, {
        ...run,
        verify: !options['no-verify'],
        modelBytes: input.encoded,
        product: (await kernels).product,
        opset: options.opset,
        onProgress: bar.update,
        ...(options.profile ? { onStage: clock.onStage } : {}),
      });
    } finally {
      bar.done();
      (await kernels).dispose();
      await runtime.release();
    }
    const written = writeModel(options.output, result.model, {
      protect: input.files,
      overwrite: options.force,
      externalData: options['external-data'],
      bytes: result.bytes,
    });
    clock.lap('write');
    const profile = options.profile ? clock.done() : undefined;
    if (profile !== undefined && !options.json)
      writeLines(io.stderr, profileTable(profile, input.bytes));
    const { report } = result;
    const summary = summarize(input.model, result.model, {
      before: input.bytes,
      after: written,
    });
    if (options.json) {
      writeJson(io.stdout, {
        ok: true,
        command: 'convert',
        input: path,
        output: options.output,
        summary,
        report,
        ...(profile === undefined ? {} : { profile }),
      });
      return 0;
    }
    const opset = upgradeLine(report);
    if (report.collapsed === 0) {
      const dead = report.nodesBefore - report.nodesAfter;
      const changes = [
        ...(dead > 0 ? [`${dead} dead node${dead > 1 ? 's' : ''} removed`] : []),
        ...(opset === undefined ? [] : [opset]),
      ];
      writeLines(io.stdout, [
        `${path}: nothing to collapse; wrote ${options.output} unchanged${changes.length > 0 ? ` but for ${changes.join('; ')}` : ''}`,
        ...(report.verification === undefined ? [] : [formatVerification(report.verification)]),
      ]);
      return 0;
    }
    const collapsed = report.regions.filter((r) => r.status !== 'kept').length;
    const fromShape = report.regions.filter((r) => r.shapeDependent && r.status !== 'kept');
    writeLines(io.stdout, [
      ...(fromShape.length === 0
        ? []
        : [
            `note: region${fromShape.length > 1 ? 's' : ''} ${fromShape.map((r) => r.id).join(', ')} read pad indices computed from the input shape; they were read and verified at the probe shape`,
          ]),
      `${path}: ${report.regions.length} linear regions, ${collapsed} collapsed`,
      ...summaryTable(summary, ['original', 'converted']),
      ...formatRegions(report).filter(
        (l) => !l.startsWith('region') || l.includes(' kept:') || l.includes('partly'),
      ),
      ...(opset === undefined ? [] : [opset]),
      report.verification ? formatVerification(report.verification) : 'not verified (--no-verify)',
      `wrote ${options.output}`,
    ]);
    return 0;
  },
});

/** `written at opset 17 (from 9; 4 nodes rewritten)`, or undefined when the opset is the model's own. */
function upgradeLine(report: ConversionReport): string | undefined {
  if (report.opset === report.opsetBefore) return undefined;
  const n = report.upgraded.length;
  return `written at opset ${report.opset} (from ${report.opsetBefore}; ${n} node${n === 1 ? '' : 's'} rewritten)`;
}
