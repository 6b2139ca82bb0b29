import { resourceUsage } from 'node:process';
import Table from 'cli-table3';
import type { ConvertStage } from '@reparam/onnx';
import { formatBytes } from './summary.js';

/** Where a command's time went, stage by stage, and the process's peak memory. */
export interface Profile {
  /** Milliseconds per stage, in order: startup (process start to the command), read, the conversion's stages, write. */
  readonly stages: { readonly stage: string; readonly ms: number }[];
  readonly totalMs: number;
  /** Peak resident memory of the process (worker threads included), in bytes. */
  readonly peakBytes: number;
}

/** Collects a {@link Profile}: `lap(stage)` closes a stage the command times itself. */
export function profiler(): {
  lap: (stage: string) => void;
  onStage: (stage: ConvertStage, ms: number) => void;
  done: () => Profile;
} {
  const stages: { stage: string; ms: number }[] = [{ stage: 'startup', ms: performance.now() }];
  let last = performance.now();
  return {
    lap: (stage) => {
      const t = performance.now();
      stages.push({ stage, ms: t - last });
      last = t;
    },
    onStage: (stage, ms) => {
      stages.push({ stage, ms });
      last += ms;
    },
    done: () => ({
      stages,
      totalMs: performance.now(),
      peakBytes: resourceUsage().maxRSS * 1024,
    }),
  };
}

/** The profile as a table (stage, ms, share), then the total and the peak memory. */
export function profileTable(p: Profile, modelBytes: number): string[] {
  const table = new Table({
    head: ['stage', 'ms', 'share'],
    style: { head: [], border: [], compact: true },
  });
  for (const { stage, ms } of p.stages)
    table.push([stage, ms.toFixed(0), `${((100 * ms) / p.totalMs).toFixed(0)}%`]);
  table.push(['total', p.totalMs.toFixed(0), '100%']);
  return [
    ...table.toString().split('\n'),
    `peak memory ${formatBytes(p.peakBytes)} (${(p.peakBytes / modelBytes).toFixed(1)}x the ${formatBytes(modelBytes)} model)`,
  ];
}
