import { totalmem } from 'node:os';
import { UsageError, type DenseTensor } from '@reparam/onnx';
import { readNpyInput } from './npy-input.js';

/** What `node:util` `parseArgs` gives for one option. */
export type RawValue = string | boolean | (string | boolean)[] | undefined;

/** A command-line option: how `parseArgs` reads it, how help shows it, how its value is checked. */
export interface OptionSpec<T> {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder of the value in help, e.g. `N`. */
  readonly value?: string;
  readonly description: string;
  /** Checks and converts the raw value; throws {@link UsageError} naming `flag`. */
  readonly parse: (raw: RawValue, flag: string) => T;
}

/** Options of a command by long name (the flag is `--name`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec<unknown>>>;

/** The checked values of a command's options. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K] extends OptionSpec<infer T> ? T : never;
};

/** Largest `--timeout`: Node's timers hold at most 2^31 - 1 ms (24.8 days). */
export const MAX_TIMEOUT_S = (2 ** 31 - 1) / 1000;

const text = (raw: RawValue): string | undefined => (typeof raw === 'string' ? raw : undefined);

function numberIn(flag: string, v: string, ok: (n: number) => boolean, what: string): number {
  const n = Number(v);
  if (v.trim() === '' || !ok(n)) throw new UsageError(`${flag} '${v}' must be ${what}`);
  return n;
}

/** A positive finite number, optionally at most `max`. */
export const positiveNumber = (description: string, value = 'X', max = Infinity, maxWhy = '') =>
  ({
    type: 'string',
    value,
    description,
    parse: (raw, flag) => {
      const v = text(raw);
      return v === undefined
        ? undefined
        : numberIn(
            flag,
            v,
            (n) => n > 0 && n <= max,
            max === Infinity ? 'a positive number' : `a positive number up to ${max} (${maxWhy})`,
          );
    },
  }) satisfies OptionSpec<number | undefined>;

/** A positive integer. */
export const positiveInteger = (description: string, value = 'N') =>
  ({
    type: 'string',
    value,
    description,
    parse: (raw, flag) => {
      const v = text(raw);
      return v === undefined
        ? undefined
        : numberIn(flag, v, (n) => Number.isSafeInteger(n) && n >= 1, 'a positive integer');
    },
  }) satisfies OptionSpec<number | undefined>;

/** A size in bytes: an integer, optionally with a K, M or G suffix (powers of 1024). */
export const byteSize = (description: string, value = 'BYTES') =>
  ({
    type: 'string',
    value,
    description,
    parse: (raw, flag) => {
      const v = text(raw);
      if (v === undefined) return undefined;
      const m = /^(\d+)([KMG]?)i?B?$/i.exec(v.trim());
      const scale = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[(m?.[2] ?? '').toUpperCase()];
      const n = m === null || scale === undefined ? NaN : Number(m[1]) * scale;
      if (!Number.isSafeInteger(n))
        throw new UsageError(`${flag} '${v}' must be a size in bytes, e.g. 1024, 64K or 1M`);
      return n;
    },
  }) satisfies OptionSpec<number | undefined>;

/** One of a fixed set of words. */
export const oneOf = <C extends string>(description: string, choices: readonly C[]) =>
  ({
    type: 'string',
    value: choices.join('|'),
    description,
    parse: (raw, flag) => {
      const v = text(raw);
      if (v === undefined) return undefined;
      const choice = choices.find((c) => c === v);
      if (choice === undefined)
        throw new UsageError(`${flag} '${v}' must be one of ${choices.join(', ')}`);
      return choice;
    },
  }) satisfies OptionSpec<C | undefined>;

/** A boolean switch. */
export const flag = (description: string, short?: string) =>
  ({
    type: 'boolean',
    short,
    description,
    parse: (raw) => raw === true,
  }) satisfies OptionSpec<boolean>;

/** A string (path) value. */
export const stringValue = (description: string, value: string, short?: string) =>
  ({
    type: 'string',
    short,
    value,
    description,
    parse: (raw) => text(raw),
  }) satisfies OptionSpec<string | undefined>;

/** A repeatable string value (every occurrence, in order). */
export const stringList = (description: string, value: string, short?: string) =>
  ({
    type: 'string',
    short,
    multiple: true,
    value,
    description,
    parse: (raw) => (Array.isArray(raw) ? raw.map(String) : []),
  }) satisfies OptionSpec<string[]>;

/** `NAME=1x3x224x224` -> `{ NAME: [1, 3, 224, 224] }`. */
export function parseShape(spec: string): Record<string, number[]> {
  const eq = spec.lastIndexOf('=');
  const dims = spec
    .slice(eq + 1)
    .split(/[x,]/)
    .map((d) => (d.trim() === '' ? NaN : Number(d)));
  if (eq < 1 || !dims.every((d) => Number.isSafeInteger(d) && d > 0))
    throw new UsageError(`--shape '${spec}' must look like input=1x3x224x224 (positive sizes)`);
  return { [spec.slice(0, eq)]: dims };
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** `4G`, `512MiB`, `1.5g`, `1000000` -> bytes (binary units). */
export function parseSize(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const bytes = m === null ? NaN : Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes))
    throw new UsageError(`${flag} '${text}' must be a size such as 4G, 512M or 1000000 (bytes)`);
  return bytes;
}

/** Half of this machine's memory: the default `--max-memory`. */
export const defaultMaxMemory = (): number => Math.floor(totalmem() / 2);

/** The options most commands share. */
export const common = {
  shape: {
    type: 'string',
    multiple: true,
    value: 'NAME=1x3x224x224',
    description: 'fixed sizes for an input with dynamic dims (repeat for several inputs)',
    parse: (raw) =>
      Object.assign(
        {},
        ...(Array.isArray(raw) ? raw : []).map((s) => parseShape(String(s))),
      ) as Record<string, number[]>,
  } satisfies OptionSpec<Record<string, number[]>>,
  input: {
    type: 'string',
    multiple: true,
    value: 'NAME=file.npy',
    description:
      'a real value for an input, used by the probe and the verification (a numpy .npy array; repeat for several inputs)',
    parse: (raw) =>
      Object.assign(
        {},
        ...(Array.isArray(raw) ? raw : []).map((s) => readNpyInput(String(s))),
      ) as Record<string, DenseTensor>,
  } satisfies OptionSpec<Record<string, DenseTensor>>,
  tolerance: positiveNumber('relative tolerance of the verification (default 1e-5)'),
  seed: positiveInteger('seed of the random inputs (default 1)'),
  samples: positiveInteger('random input samples compared (default 2)'),
  timeout: positiveNumber(
    'seconds any onnxruntime load or run may take (default 600)',
    'S',
    MAX_TIMEOUT_S,
    'the longest timer Node can set, 24.8 days',
  ),
  json: flag('print one JSON document on stdout instead of text'),
  'max-memory': {
    type: 'string',
    value: 'SIZE',
    description: `memory the command may use, checked before allocating, e.g. 4G (default: half of this machine's, ${(defaultMaxMemory() / 2 ** 30).toFixed(1)}G)`,
    parse: (raw, flag) => (typeof raw === 'string' ? parseSize(raw, flag) : defaultMaxMemory()),
  } satisfies OptionSpec<number>,
} as const;
