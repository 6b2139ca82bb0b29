import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './main.js';

/** Path of an `@reparam/onnx` fixture. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../onnx/fixtures/${name}.onnx`, import.meta.url));

/** A fresh temporary folder. */
export const workdir = (): string => mkdtempSync(join(tmpdir(), 'reparam-cli-'));

/** Runs the CLI in-process; `{ tty: true }` as the last argument makes stderr a terminal. */
export async function cli(
  ...argv: (string | { tty: boolean })[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const last = argv[argv.length - 1];
  const tty = typeof last === 'object' && last.tty;
  const args = argv.filter((a): a is string => typeof a === 'string');
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: tty, columns: 100 },
  });
  return { code, stdout, stderr };
}
