import { MultiBar, type SingleBar } from 'cli-progress';

/**
 * The run's progress on stderr with cli-progress: one bar for the whole plan (runs done, elapsed,
 * ETA) and one per worker (its run, stage, step, loss). Redrawn in place on a terminal; on a log
 * file (nohup) every bar is printed as a line every 30 seconds.
 */
export class Progress {
  private readonly bars: MultiBar;
  private readonly overall: SingleBar;
  private readonly workers = new Map<number, SingleBar>();

  constructor(total: number, out: NodeJS.WriteStream = process.stderr) {
    this.bars = new MultiBar({
      stream: out,
      format: '{label} [{bar}] {value}/{total} {info}',
      barsize: 24,
      noTTYOutput: true,
      notTTYSchedule: 30_000,
      hideCursor: false,
      clearOnComplete: false,
    });
    this.overall = this.bars.create(total, 0, { label: 'runs     ', info: '' });
  }

  /** Runs done, and the text after the overall bar (elapsed, ETA). */
  runs(done: number, info: string): void {
    this.overall.update(done, { info });
  }

  /** A worker's bar: `step` of `steps` of its current stage. */
  worker(id: number, step: number, steps: number, info: string): void {
    let bar = this.workers.get(id);
    if (bar === undefined) {
      bar = this.bars.create(steps, step, { label: `worker ${id} `, info });
      this.workers.set(id, bar);
    }
    bar.setTotal(steps);
    bar.update(step, { info });
  }

  /** Prints a line above the bars (a finished or failed run). */
  log(line: string): void {
    this.bars.log(`${line}\n`);
  }

  stop(): void {
    this.bars.stop();
  }
}
