import { parseArgs } from 'node:util';
import { UsageError } from '@reparam/onnx';
import type { CliIO } from './io.js';
import type { OptionSpecs, OptionValues, RawValue } from './options.js';

/** What a command's `run` receives. */
export interface CommandInput<O extends OptionSpecs> {
  readonly options: OptionValues<O>;
  readonly positionals: readonly string[];
  readonly io: CliIO;
}

/** The definition of one `reparam` command (one file under `commands/`). */
export interface CommandSpec<O extends OptionSpecs> {
  readonly name: string;
  /** One line for `reparam --help`. */
  readonly summary: string;
  /** What follows `reparam NAME` in the usage line, e.g. `IN.onnx -o OUT.onnx [options]`. */
  readonly usage: string;
  /** Paragraph lines shown by `reparam NAME --help`. */
  readonly details: readonly string[];
  /** How many paths it takes, and how to name them in a message. */
  readonly positionals: { readonly min: number; readonly max: number; readonly what: string };
  readonly options: O;
  readonly examples: readonly string[];
  readonly exitCodes: string;
  run(input: CommandInput<O>): Promise<number>;
}

/** A command ready to run: its name, summary, help text and entry point. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  help(): string;
  /** Parses `argv` (after the command name) and runs; `--help` prints the help and returns 0. */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}

const HELP_OPTION = { type: 'boolean', short: 'h' } as const;

/** Turns a {@link CommandSpec} into a {@link Command}: parsing with `node:util` `parseArgs`, help, checks. */
export function defineCommand<O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  const help = () => commandHelp(spec);
  return {
    name: spec.name,
    summary: spec.summary,
    help,
    async run(argv, io) {
      const config = Object.fromEntries(
        Object.entries(spec.options).map(([name, o]) => [
          name,
          {
            type: o.type,
            ...(o.short === undefined ? {} : { short: o.short }),
            ...(o.multiple === undefined ? {} : { multiple: o.multiple }),
          },
        ]),
      );
      let parsed;
      try {
        parsed = parseArgs({
          args: [...argv],
          options: { ...config, help: HELP_OPTION },
          allowPositionals: true,
          strict: true,
        });
      } catch (e) {
        if (!String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw e;
        const message = (e as Error).message.split(/\. |\n/)[0];
        throw new UsageError(`${spec.name}: ${message}; see reparam ${spec.name} --help`, {
          cause: e,
        });
      }
      if (parsed.values.help === true) {
        io.stdout.write(`${help()}\n`);
        return 0;
      }
      const values = parsed.values as Record<string, RawValue>;
      const options = Object.fromEntries(
        Object.entries(spec.options).map(([name, o]) => [name, o.parse(values[name], `--${name}`)]),
      ) as OptionValues<O>;
      const { min, max, what } = spec.positionals;
      const n = parsed.positionals.length;
      if (n < min || n > max)
        throw new UsageError(
          `${spec.name}: expected ${what}, got ${n} path${n === 1 ? '' : 's'}; see reparam ${spec.name} --help`,
        );
      return spec.run({ options, positionals: parsed.positionals, io });
    },
  };
}

function commandHelp<O extends OptionSpecs>(spec: CommandSpec<O>): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const left = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [left, o.description];
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [
    `reparam ${spec.name}: ${spec.summary}`,
    '',
    `usage: reparam ${spec.name} ${spec.usage}`,
    '',
    ...spec.details,
    ...(spec.details.length ? [''] : []),
    'options:',
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`),
    '',
    spec.examples.length > 1 ? 'examples:' : 'example:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
    `exit codes: ${spec.exitCodes}`,
  ].join('\n');
}
