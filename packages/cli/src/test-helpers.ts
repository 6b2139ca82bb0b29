import { spawn, type ChildProcess } from 'node:child_process';
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

/** The outcome of running the `reparam` bin as a child process. */
export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the child was killed for running past `timeoutMs`. */
  timedOut: boolean;
}

/**
 * Runs `src/bin.ts` in a child Node (tsx, source conditions); kills it after `timeoutMs`.
 * `onStart` gets the child, e.g. to send it a signal.
 */
export function runBin(
  argv: readonly string[],
  options: { timeoutMs?: number; onStart?: (child: ChildProcess) => void } = {},
): Promise<BinResult> {
  const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--conditions=@reparam/source', '--import', 'tsx', bin, ...argv],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  options.onStart?.(child);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}
