import { UsageError } from '@reparam/onnx';

/** Parsed command line of `reparam`. */
export interface CliArgs {
  command: string;
  positional: string[];
  output?: string;
  tolerance?: number;
  verify: boolean;
  json: boolean;
  help: boolean;
  shapes: Record<string, number[]>;
  seed?: number;
  threads?: number;
  runs?: number;
  samples?: number;
  /** Seconds any single onnxruntime load or run may take. */
  timeout?: number;
}

const VALUE_FLAGS = new Set([
  '-o',
  '--output',
  '--tolerance',
  '--shape',
  '--seed',
  '--threads',
  '--runs',
  '--samples',
  '--timeout',
]);

/** Parses `argv` (without node and script); throws {@link UsageError} on unknown flags or bad values. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    command: '',
    positional: [],
    verify: true,
    json: false,
    help: false,
    shapes: {},
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (VALUE_FLAGS.has(arg) && value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`reparam: ${arg} needs a value`);
      value = argv[++i];
    }
    switch (arg) {
      case '-o':
      case '--output':
        args.output = value;
        break;
      case '--tolerance':
        args.tolerance = positiveNumber(arg, value!);
        break;
      case '--seed':
        args.seed = integer(arg, value!);
        break;
      case '--threads':
        args.threads = integer(arg, value!);
        break;
      case '--timeout':
        args.timeout = positiveNumber(arg, value!);
        break;
      case '--samples':
        args.samples = integer(arg, value!);
        break;
      case '--runs':
        args.runs = integer(arg, value!);
        break;
      case '--shape':
        Object.assign(args.shapes, parseShape(value!));
        break;
      case '--no-verify':
        args.verify = false;
        break;
      case '--json':
        args.json = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-')
          throw new UsageError(`reparam: unknown option ${arg}; see reparam --help`);
        if (args.command === '') args.command = arg;
        else args.positional.push(arg);
    }
  }
  return args;
}

/** `NAME=1x3x224x224` -> `{ NAME: [1, 3, 224, 224] }`. */
export function parseShape(text: string): Record<string, number[]> {
  const eq = text.lastIndexOf('=');
  const dims = text
    .slice(eq + 1)
    .split(/[x,]/)
    .map(Number);
  if (eq < 1 || dims.length === 0 || !dims.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new UsageError(`reparam: --shape '${text}' must look like input=1x3x224x224`);
  }
  return { [text.slice(0, eq)]: dims };
}

function positiveNumber(flag: string, v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n))
    throw new UsageError(`reparam: ${flag} '${v}' must be a positive number`);
  return n;
}

function integer(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`reparam: ${flag} '${v}' must be a positive integer`);
  return n;
}
