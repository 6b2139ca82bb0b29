import { convertModel } from '@reparam/onnx';
import { defineCommand } from '../command.js';
import { formatRegions, regionSizes } from '../format.js';
import { readInput } from '../input.js';
import { writeJson, writeLines } from '../io.js';
import { common } from '../options.js';
import { progressBar } from '../progress.js';
import { summarize, summaryTable } from '../summary.js';
import { runOptions } from './run-options.js';

const { shape, input, seed, timeout, json, 'max-memory': maxMemory } = common;

/** `reparam inspect IN.onnx`: regions, block kinds, parameters and MACs before and after. */
export const inspect = defineCommand({
  name: 'inspect',
  summary: 'show the regions a conversion would collapse, and why parts stay',
  usage: 'IN.onnx [options]',
  details: [
    'Runs the analysis of convert without verifying or writing: every linear region, the block',
    'it looks like, its parameters and multiply-adds before and after, and the reason for each',
    'part that would be kept.',
  ],
  positionals: { min: 1, max: 1, what: 'one model' },
  options: { shape, input, seed, timeout, json, 'max-memory': maxMemory },
  examples: ['reparam inspect model_train.onnx', 'reparam inspect model.onnx --json | jq .totals'],
  exitCodes: '0 done, 2 bad input, usage or I/O',
  async run({ options, positionals: [path], io }) {
    const input = readInput(path, options['max-memory']);
    const bar = progressBar(io);
    let result;
    try {
      result = await convertModel(input.model, {
        ...runOptions(options),
        verify: false,
        onProgress: bar.update,
      });
    } finally {
      bar.done();
    }
    const { report } = result;
    const totals = report.regions.map(regionSizes).reduce(
      (a, s) => ({
        pb: a.pb + s.before.params,
        pa: a.pa + s.after.params,
        mb: a.mb + s.before.macs,
        ma: a.ma + s.after.macs,
      }),
      { pb: 0, pa: 0, mb: 0, ma: 0 },
    );
    const summary = summarize(input.model, result.model, { before: input.bytes });
    if (options.json) {
      writeJson(io.stdout, { ok: true, command: 'inspect', input: path, summary, report, totals });
      return 0;
    }
    writeLines(io.stdout, [
      `${path}: ${report.regions.length} linear regions`,
      ...summaryTable(summary, ['original', 'converted']),
      ...formatRegions(report),
      `collapsible regions: params ${totals.pb} -> ${totals.pa}, multiply-adds ${totals.mb} -> ${totals.ma}`,
    ]);
    return 0;
  },
});
