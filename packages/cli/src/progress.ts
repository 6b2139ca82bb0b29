/** Where the CLI writes: stdout for results, stderr for messages and progress. */
export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (so pipes, logs and
 * `--json` consumers never see it). Returns the callback and a function that clears the line.
 */
export function progressBar(io: CliIO): {
  update: (stage: string, fraction: number) => void;
  done: () => void;
} {
  if (io.stderr.isTTY !== true) return { update: () => undefined, done: () => undefined };
  const width = 24;
  return {
    update(stage, fraction) {
      const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width);
      io.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${stage.padEnd(10)}`);
    },
    done() {
      io.stderr.write(`\r${' '.repeat(width + 14)}\r`);
    },
  };
}
