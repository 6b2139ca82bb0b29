import { UsageError, VerificationError } from '@reparam/onnx';
import { parseArgs } from './args.js';
import { benchCommand, convertCommand, inspectCommand, verifyCommand } from './commands.js';
import type { CliIO } from './progress.js';

/** Exit codes of `reparam`. */
export const ExitCode = { ok: 0, verificationFailed: 1, badInput: 2 } as const;

/** The text of `reparam --help`. */
export const HELP = `reparam: collapse the linear regions of training-form ONNX models into plain convolutions

usage:
  reparam convert IN.onnx -o OUT.onnx [--tolerance 1e-5] [--no-verify] [--shape NAME=1x3x224x224] [--seed N] [--samples 2] [--timeout 600] [--json]
  reparam inspect IN.onnx [--shape NAME=1x3x224x224] [--json]
  reparam verify A.onnx B.onnx [--tolerance 1e-5] [--shape NAME=1x3x224x224] [--samples 2] [--json]
  reparam bench A.onnx [B.onnx ...] [--runs 10] [--threads 1] [--shape ...] [--json]

convert verifies the result with onnxruntime-web on seeded random inputs and writes nothing
when an output differs by more than tolerance x max|y|. It never overwrites its input.
Each onnxruntime load or run is stopped after --timeout seconds (default 600; bench: no limit).
exit codes: 0 done, 1 verification failed (nothing written), 2 bad input or usage`;

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code. Results go to
 * `io.stdout`; one-line errors and (on a terminal) progress to `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let json = argv.includes('--json');
  try {
    const args = parseArgs(argv);
    json = args.json;
    if (args.help || args.command === '') {
      (args.help ? io.stdout : io.stderr).write(`${HELP}\n`);
      return args.help ? ExitCode.ok : ExitCode.badInput;
    }
    switch (args.command) {
      case 'convert':
        return await convertCommand(args, io);
      case 'inspect':
        return await inspectCommand(args, io);
      case 'verify':
        return await verifyCommand(args, io);
      case 'bench':
        return await benchCommand(args, io);
      default:
        throw new UsageError(
          `reparam: unknown command '${args.command}'; expected convert, inspect, verify or bench`,
        );
    }
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const line = message.split('\n')[0];
    io.stderr.write(`reparam: ${line}\n`);
    const code = e instanceof VerificationError ? ExitCode.verificationFailed : ExitCode.badInput;
    if (json) {
      // machine readers get the failure (and, for a failed verification, the full report) too
      const report = (e as { report?: unknown }).report;
      const name = e instanceof Error ? e.name : 'Error';
      io.stdout.write(
        `${JSON.stringify({ ok: false, exitCode: code, error: { name, message: line }, report })}\n`,
      );
    }
    return code;
  }
}
