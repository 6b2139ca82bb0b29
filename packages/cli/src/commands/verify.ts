import { randomOutputs, UsageError, verifyModels, type ModelProto } from '@reparam/onnx';
import { defineCommand } from '../command.js';
import { formatVerification } from '../format.js';
import { readInput } from '../input.js';
import { writeJson, writeLines } from '../io.js';
import { common } from '../options.js';
import { engineOption, runOptions, threadsOption } from './run-options.js';

const outputNames = (m: ModelProto) =>
  m
    .graph!.output.map((o) => o.name)
    .sort()
    .join(',');

/** `reparam verify A.onnx B.onnx`: same outputs (exit 0) or not (exit 1). */
export const verify = defineCommand({
  name: 'verify',
  summary: 'check that two models compute the same outputs',
  usage: 'A.onnx B.onnx [options]',
  details: [
    'Runs both models in onnxruntime-web (onnxruntime-node when it cannot) on the same inputs,',
    'given (--input) or seeded random, and compares every output that depends on no random',
    'operator: max |a - b| <= tolerance x max |a|.',
  ],
  positionals: { min: 2, max: 2, what: 'two models' },
  options: { threads: threadsOption, engine: engineOption, ...common },
  examples: ['reparam verify model_train.onnx model_deploy.onnx --samples 5'],
  exitCodes: '0 same, 1 different, 2 bad input, usage or I/O',
  async run({ options, positionals, io }) {
    const [a, b] = positionals.map((p) => readInput(p, options['max-memory']).model);
    if (outputNames(a) !== outputNames(b))
      throw new UsageError(
        `verify: the models' outputs differ: [${outputNames(a)}] vs [${outputNames(b)}]`,
      );
    // outputs of random operators differ from run to run: they are listed, not compared
    const result = await verifyModels(a, b, {
      ...runOptions(options),
      unchecked: randomOutputs(a),
    });
    if (options.json)
      writeJson(io.stdout, { ok: result.ok, command: 'verify', models: positionals, result });
    else writeLines(io.stdout, [formatVerification(result)]);
    return result.ok ? 0 : 1;
  },
});
