/** Per-method summaries over seeds, from the per-run JSON files. */
import type { RunResult } from './run.js';
import { meanStd, median } from './stats.js';

/**
 * Mean, sample standard deviation and median over seeds. Timings are read by their median: a run
 * made while the shared machine was loaded stretches its wall times several-fold.
 */
export interface Stat {
  mean: number;
  std: number;
  n: number;
  median: number;
}

/** One method on one architecture, over its seeds. */
export interface Row {
  arch: string;
  method: string;
  seeds: number[];
  top1: Stat;
  deployTop1: Stat;
  /** Largest |p_training - p_deploy| of any test image and class, over all seeds. */
  maxProbabilityDifference: number;
  /** Test images whose predicted class differs between the forms, summed over seeds. */
  differentPredictions: number;
  worstReparamDeviation: number;
  trainingMacs: number;
  deployMacs: number;
  peakMemoryBytes: Stat;
  params: RunResult['params'];
  stepMs: Stat;
  /** CPU milliseconds per training step of the method's own stage: what load stretches least. */
  stepCpuMs: Stat;
  /** Training epochs counted for the method, its own and those of a baseline it starts from. */
  epochs: number;
  /** Training seconds counted for the method (its own stage plus the baseline's, if any). */
  trainingSeconds: Stat;
  /** The same in CPU seconds, which a shared machine's load stretches much less. */
  trainingCpuSeconds: Stat;
  latencyBatch1: { training: Stat; deploy: Stat };
  imagesPerSecond: { batch: number; training: Stat; deploy: Stat };
  wallSeconds: number;
  diverged: number;
}

const stat = (values: number[]): Stat => ({ ...meanStd(values), median: median(values) });
const trained = (r: RunResult): number => r.stages.reduce((a, s) => a + s.seconds, 0);
const trainedCpu = (r: RunResult): number => r.stages.reduce((a, s) => a + s.cpuSeconds, 0);
const ownStageCpuMsPerStep = (r: RunResult): number => {
  const own = r.stages[r.stages.length - 1];
  return (1000 * own.cpuSeconds) / own.steps;
};

/**
 * Summarizes the runs of each (arch, method) in `order` over their seeds; a method that starts
 * from the baseline is charged the baseline's training (its stored run of the same seed, or the
 * stage it retrained).
 */
export function summarize(
  runs: readonly RunResult[],
  order: readonly { arch: string; method: string; fromBaseline: boolean }[],
): Row[] {
  const rows: Row[] = [];
  for (const { arch, method, fromBaseline } of order) {
    const mine = runs
      .filter((r) => r.arch === arch && r.method === method)
      .sort((a, b) => a.seed - b.seed);
    if (mine.length === 0) continue;
    const baselineSeconds = (r: RunResult, of: (b: RunResult) => number): number => {
      if (!fromBaseline || r.baseline === 'retrained') return 0;
      const base = runs.find((b) => b.arch === arch && b.method === 'conv' && b.seed === r.seed);
      return base === undefined ? NaN : of(base);
    };
    const first = mine[0];
    rows.push({
      arch,
      method,
      seeds: mine.map((r) => r.seed),
      top1: stat(mine.map((r) => 100 * r.accuracy.training)),
      deployTop1: stat(mine.map((r) => 100 * r.accuracy.deploy)),
      maxProbabilityDifference: Math.max(...mine.map((r) => r.forms.maxProbabilityDifference)),
      differentPredictions: mine.reduce((a, r) => a + r.forms.differentPredictions, 0),
      worstReparamDeviation: Math.max(...mine.map((r) => r.forms.reparamRelativeDeviation)),
      trainingMacs: first.macsPerImage.training,
      deployMacs: first.macsPerImage.deploy,
      peakMemoryBytes: stat(mine.map((r) => r.stages[r.stages.length - 1].memory.peak)),
      params: first.params,
      stepMs: stat(mine.map((r) => r.stages[r.stages.length - 1].medianStepMs)),
      stepCpuMs: stat(mine.map((r) => ownStageCpuMsPerStep(r))),
      epochs: (fromBaseline ? 2 : 1) * first.protocol.epochs,
      trainingSeconds: stat(mine.map((r) => trained(r) + baselineSeconds(r, trained))),
      trainingCpuSeconds: stat(mine.map((r) => trainedCpu(r) + baselineSeconds(r, trainedCpu))),
      latencyBatch1: {
        training: stat(mine.map((r) => r.latencyMs.batch1.training)),
        deploy: stat(mine.map((r) => r.latencyMs.batch1.deploy)),
      },
      imagesPerSecond: {
        batch: first.latencyMs.throughput.batch,
        training: stat(
          mine.map((r) => (1000 * r.latencyMs.throughput.batch) / r.latencyMs.throughput.training),
        ),
        deploy: stat(
          mine.map((r) => (1000 * r.latencyMs.throughput.batch) / r.latencyMs.throughput.deploy),
        ),
      },
      wallSeconds: mine.reduce((a, r) => a + r.wallSeconds, 0),
      diverged: mine.filter((r) => r.stages.some((s) => s.divergedAtStep !== undefined)).length,
    });
  }
  return rows;
}

/** How a method's difference from the baseline compares with the seeds' spread. */
export interface Verdict {
  delta: number;
  /**
   * |delta| <= the larger of the two standard deviations: not evidence either way; undefined
   * with fewer than two seeds (no spread known).
   */
  withinOneStd: boolean | undefined;
}

/** The method's mean top-1 minus the baseline's, and whether that is within one std. */
export function verdict(row: Row, baseline: Row): Verdict {
  const delta = row.top1.mean - baseline.top1.mean;
  if (row.top1.n < 2 || baseline.top1.n < 2) return { delta, withinOneStd: undefined };
  return { delta, withinOneStd: Math.abs(delta) <= Math.max(row.top1.std, baseline.top1.std) };
}
