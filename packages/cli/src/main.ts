import { readFileSync } from 'node:fs';
import {
  IoError,
  MemoryBudgetError,
  ModelTooLargeError,
  OnnxFormatError,
  UsageError,
  VerificationError,
} from '@reparam/onnx';
import { COMMANDS } from './commands/index.js';
import { escapeText } from './escape.js';
import { writeJson, type CliIO } from './io.js';

/** Exit codes of `reparam`. */
export const ExitCode = {
  ok: 0,
  verificationFailed: 1,
  /** Bad input model, bad usage, or a file that cannot be read or written. */
  badInput: 2,
  /** An error that is not one of the named ones: a bug in reparam. */
  internal: 3,
  interrupted: 130,
  terminated: 143,
} as const;

/** The version of `@reparam/cli`. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The text of `reparam --help`. */
export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'reparam: collapse the linear regions of training-form ONNX models into plain convolutions',
    '',
    'usage: reparam <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'options:',
    "  -h, --help     show this help (reparam <command> --help: the command's own)",
    '  -V, --version  print the version',
    '',
    'example:',
    '  reparam convert model_train.onnx -o model_deploy.onnx',
    '',
    'exit codes: 0 done, 1 verification failed, 2 bad input, usage or I/O, 3 internal error,',
    '130/143 interrupted (SIGINT/SIGTERM)',
  ].join('\n');
}

const NAMED = [
  UsageError,
  IoError,
  OnnxFormatError,
  VerificationError,
  MemoryBudgetError,
  ModelTooLargeError,
];
/** Named errors of packages that commands load lazily (`@reparam/wasm`, core's shapes), by name. */
const LAZY_NAMED = new Set(['UnsupportedModelError', 'WasmLoadError', 'ShapeError']);

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code. Results go to
 * `io.stdout`; one-line errors (`reparam: Name: message`) and, on a terminal, progress to
 * `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const json = argv.includes('--json');
  try {
    const [first, ...rest] = argv;
    if (first === '--version' || first === '-V') {
      io.stdout.write(`${VERSION}\n`);
      return ExitCode.ok;
    }
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? rest[0] : undefined;
      const command = COMMANDS.find((c) => c.name === topic);
      if (topic !== undefined && command === undefined) throw unknownCommand(topic);
      (first === undefined ? io.stderr : io.stdout).write(`${command?.help() ?? globalHelp()}\n`);
      return first === undefined ? ExitCode.badInput : ExitCode.ok;
    }
    const command = COMMANDS.find((c) => c.name === first);
    if (command === undefined) throw unknownCommand(first);
    return await command.run(rest, io);
  } catch (e) {
    const named =
      NAMED.some((k) => e instanceof k) || (e instanceof Error && LAZY_NAMED.has(e.name));
    const name = e instanceof Error ? e.name : 'Error';
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    const code =
      e instanceof VerificationError
        ? ExitCode.verificationFailed
        : named
          ? ExitCode.badInput
          : ExitCode.internal;
    const kind = named ? name : `internal error (a bug in reparam; please report it): ${name}`;
    io.stderr.write(`reparam: ${escapeText(`${kind}: ${message}`)}\n`);
    if (json) {
      // machine readers get the failure (and, for a failed verification, the full report) too
      const report = (e as { report?: unknown }).report;
      writeJson(io.stdout, { ok: false, exitCode: code, error: { name, message }, report });
    }
    return code;
  }
}

function unknownCommand(name: string): UsageError {
  return new UsageError(
    `unknown command '${name}'; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (see reparam --help)`,
  );
}
