import { blockKinds, type BlockKind } from '@reparam/tfjs';

/** Command-line options of the demo. */
export interface DemoArgs {
  block: BlockKind;
  trainPerClass: number;
  testPerClass: number;
  epochs: number;
  batchSize: number;
  out: string;
  /** Gradient kernels for the wasm backend: `js` from @reparam/tfjs, `simd` from @reparam/wasm. */
  kernels: 'js' | 'simd';
}

const usage = `usage: main.ts [--short] [--block ${blockKinds.join('|')}] [--epochs N] [--train-per-class N] [--test-per-class N] [--batch N] [--out DIR] [--kernels js|simd]`;

/** Parses argv (without node and script); `--short` is the < 3 minute demo configuration. */
export function parseArgs(argv: readonly string[]): DemoArgs {
  const short = argv.includes('--short');
  const a: DemoArgs = {
    block: 'repvgg',
    trainPerClass: short ? 2000 : 6000,
    testPerClass: short ? 300 : 1000,
    epochs: short ? 1 : 5,
    batchSize: 64,
    out: 'out/deploy',
    kernels: 'js',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--short' || flag === '--') continue;
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value\n${usage}`);
    i++;
    const int = (): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`${flag} must be a positive integer, got '${value}'\n${usage}`);
      return n;
    };
    switch (flag) {
      case '--block': {
        const b = blockKinds.find((k) => k === value);
        if (b === undefined)
          throw new Error(
            `--block must be one of ${blockKinds.join(', ')}, got '${value}'\n${usage}`,
          );
        a.block = b;
        break;
      }
      case '--epochs':
        a.epochs = int();
        break;
      case '--train-per-class':
        a.trainPerClass = int();
        break;
      case '--test-per-class':
        a.testPerClass = int();
        break;
      case '--batch':
        a.batchSize = int();
        break;
      case '--kernels':
        if (value !== 'js' && value !== 'simd')
          throw new Error(`--kernels must be js or simd, got '${value}'\n${usage}`);
        a.kernels = value;
        break;
      case '--out':
        a.out = value;
        break;
      default:
        throw new Error(`unknown option ${flag}\n${usage}`);
    }
  }
  return a;
}
