import { parseArgs as parseNodeArgs } from 'node:util';
import { blockKinds, type BlockKind } from '@reparam/tfjs';

/** Command-line options of the demo. */
export interface DemoArgs {
  block: BlockKind;
  trainPerClass: number;
  testPerClass: number;
  epochs: number;
  batchSize: number;
  /** Seed of the initial weights (the training order has its own fixed seed). */
  seed: number;
  out: string;
}

const usage = `usage: main.ts [--short] [--block ${blockKinds.join('|')}] [--epochs N] [--train-per-class N] [--test-per-class N] [--batch N] [--seed N] [--out DIR]`;

const OPTIONS = {
  short: { type: 'boolean' },
  block: { type: 'string' },
  epochs: { type: 'string' },
  'train-per-class': { type: 'string' },
  'test-per-class': { type: 'string' },
  batch: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
} as const;

/** Parses argv (without node and script) with `node:util`; `--short` is the < 3 minute demo configuration. */
export function parseArgs(argv: readonly string[]): DemoArgs {
  let values;
  try {
    ({ values } = parseNodeArgs({ args: argv.filter((a) => a !== '--'), options: OPTIONS }));
  } catch (e) {
    throw new Error(`${(e as Error).message.split(/\. |\n/)[0]}\n${usage}`, { cause: e });
  }
  const int = (flag: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${flag} must be a positive integer, got '${value}'\n${usage}`);
    return n;
  };
  const block = values.block ?? 'repvgg';
  const kind = blockKinds.find((k) => k === block);
  if (kind === undefined)
    throw new Error(`--block must be one of ${blockKinds.join(', ')}, got '${block}'\n${usage}`);
  const short = values.short === true;
  return {
    block: kind,
    trainPerClass: int('train-per-class', values['train-per-class'], short ? 2000 : 6000),
    testPerClass: int('test-per-class', values['test-per-class'], short ? 300 : 1000),
    epochs: int('epochs', values.epochs, short ? 1 : 5),
    batchSize: int('batch', values.batch, 64),
    seed: int('seed', values.seed, 1),
    out: values.out ?? 'out/deploy',
  };
}
