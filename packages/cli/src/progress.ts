import { SingleBar } from 'cli-progress';
import type { CliIO } from './io.js';

/** A progress callback and the function that ends it. */
export interface Progress {
  update: (stage: string, fraction: number) => void;
  done: () => void;
}

/**
 * A one-line progress bar with the stage and percentage on stderr (cli-progress), drawn only
 * when stderr is a terminal, so pipes, logs and `--json` consumers never see it; the line is
 * cleared when done.
 */
export function progressBar(io: CliIO): Progress {
  if (io.stderr.isTTY !== true) return { update: () => undefined, done: () => undefined };
  const bar = new SingleBar({
    stream: io.stderr as unknown as NodeJS.WritableStream,
    format: '{stage} [{bar}] {percentage}%',
    barsize: 24,
    clearOnComplete: true,
    hideCursor: false,
    fps: 10,
  });
  let started = false;
  return {
    update(stage, fraction) {
      const value = Math.round(Math.min(Math.max(fraction, 0), 1) * 100);
      const payload = { stage: stage.padEnd(8) };
      if (!started) bar.start(100, value, payload);
      else bar.update(value, payload);
      started = true;
    },
    done() {
      if (started) bar.stop();
      started = false;
    },
  };
}
