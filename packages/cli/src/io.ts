import { escapeText } from './escape.js';

/** Where the CLI writes: stdout for results, stderr for messages and progress. */
export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

/** Writes each line to `stream`, control characters escaped (names come from untrusted models). */
export function writeLines(stream: CliIO['stdout'], lines: readonly string[]): void {
  stream.write(lines.map((l) => `${escapeText(l)}\n`).join(''));
}

/** Writes one JSON document and a newline (JSON escapes control characters itself). */
export function writeJson(stream: CliIO['stdout'], value: unknown): void {
  stream.write(`${JSON.stringify(value)}\n`);
}
