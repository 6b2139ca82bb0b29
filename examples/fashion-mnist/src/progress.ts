import { SingleBar } from 'cli-progress';

/**
 * A one-line progress bar on stderr (cli-progress): redrawn in place on a terminal, a line
 * every few seconds otherwise (so logs show progress too).
 */
export class ProgressBar {
  private readonly bar: SingleBar;
  private started = false;

  constructor(
    label: string,
    private readonly total: number,
    out: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = new SingleBar({
      stream: out,
      format: `${label} [{bar}] {value}/{total} {percentage}% {duration}s {suffix}`,
      barsize: 30,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: false,
    });
  }

  /** Shows `done` of `total` with an optional suffix such as the running loss. */
  update(done: number, suffix = ''): void {
    if (!this.started) this.bar.start(this.total, done, { suffix });
    else this.bar.update(Math.min(done, this.total), { suffix });
    this.started = true;
  }

  /** Ends the line. */
  finish(suffix = ''): void {
    this.update(this.total, suffix);
    this.bar.stop();
  }
}
