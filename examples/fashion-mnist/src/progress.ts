/** A one-line progress bar on stderr (redrawn in place on a TTY, every 10% otherwise). */
export class ProgressBar {
  private last = -1;
  private readonly start = performance.now();
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Shows `done` of `total` with an optional suffix such as the running loss. */
  update(done: number, suffix = ''): void {
    const frac = Math.min(1, done / this.total);
    const tty = this.out.isTTY === true;
    const step = Math.floor(frac * (tty ? 100 : 10));
    if (step === this.last && done < this.total) return;
    this.last = step;
    const width = 30;
    const full = Math.round(frac * width);
    const secs = (performance.now() - this.start) / 1000;
    const line = `${this.label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${done}/${this.total} ${secs.toFixed(1)}s ${suffix}`;
    this.out.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** Ends the line. */
  finish(suffix = ''): void {
    if (this.out.isTTY === true || this.last !== 10) {
      this.last = -1;
      this.update(this.total, suffix);
    }
    if (this.out.isTTY === true) this.out.write('\n');
  }
}
