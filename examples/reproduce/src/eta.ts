/**
 * Remaining time of a plan of runs whose costs differ several-fold (DBB steps cost ~5 conv steps):
 * each remaining run is estimated from the measured time per step of its own (architecture,
 * method), else of its architecture's other methods (else of all), plus the measured per-run overhead
 * (building, evaluating, timing inference).
 */
export class Eta {
  private readonly msPerStep = new Map<string, number>();
  private overheads: number[] = [];

  /** Records a measured time per step of (arch, method). */
  recordStep(arch: string, method: string, msPerStep: number): void {
    if (Number.isFinite(msPerStep) && msPerStep > 0)
      this.msPerStep.set(`${arch}/${method}`, msPerStep);
  }

  /** Records the seconds a finished run spent outside its training steps. */
  recordOverhead(seconds: number): void {
    if (Number.isFinite(seconds) && seconds >= 0) this.overheads.push(seconds);
  }

  /**
   * Estimated ms per step of (arch, method): its own measurement, else the mean of its
   * architecture's, else the mean of all; undefined while nothing is measured.
   */
  stepEstimate(arch: string, method: string): number | undefined {
    const own = this.msPerStep.get(`${arch}/${method}`);
    if (own !== undefined) return own;
    const mean = (v: number[]): number | undefined =>
      v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
    const all = [...this.msPerStep];
    return (
      mean(all.filter(([k]) => k.startsWith(`${arch}/`)).map(([, v]) => v)) ??
      mean(all.map(([, v]) => v))
    );
  }

  /**
   * Seconds left for `remaining` runs (steps still to train each) on `jobs` parallel workers, or
   * undefined while no step is measured.
   */
  secondsLeft(
    remaining: ReadonlyArray<{ arch: string; method: string; steps: number }>,
    jobs: number,
  ): number | undefined {
    const overhead =
      this.overheads.length > 0
        ? this.overheads.reduce((a, b) => a + b, 0) / this.overheads.length
        : 0;
    let total = 0;
    for (const r of remaining) {
      const ms = this.stepEstimate(r.arch, r.method);
      if (ms === undefined) return undefined;
      total += (r.steps * ms) / 1000 + overhead;
    }
    return total / Math.max(1, jobs);
  }
}

/** `1h 05m`, `4m 10s`, `12s`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
