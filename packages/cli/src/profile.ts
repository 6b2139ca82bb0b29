import { cpuUsage, resourceUsage } from 'node:process';
import Table from 'cli-table3';
import type { ConvertStage } from '@reparam/onnx';
import { formatBytes } from './summary.js';

/** One stage of a {@link Profile}. */
export interface StageTime {
  readonly stage: string;
  /** Wall time, milliseconds. */
  readonly ms: number;
  /**
   * CPU time of the whole process (every thread: onnxruntime's and the kernels' workers too)
   * while the stage ran, milliseconds: on a loaded machine, the figure the load changes least.
   */
  readonly cpuMs: number;
}

/** Where a command's time went, stage by stage, and the process's peak memory. */
export interface Profile {
  /** The stages in order: startup (process start to the command), read, the conversion's stages, write. */
  readonly stages: StageTime[];
  readonly totalMs: number;
  readonly totalCpuMs: number;
  /** Peak resident memory of the process (worker threads included), in bytes. */
  readonly peakBytes: number;
}

const cpuMsNow = (): number => {
  const { user, system } = cpuUsage();
  return (user + system) / 1000;
};

/** Collects a {@link Profile}: `lap(stage)` closes a stage the command times itself. */
export function profiler(): {
  lap: (stage: string) => void;
  onStage: (stage: ConvertStage, ms: number) => void;
  done: () => Profile;
} {
  let lastCpu = cpuMsNow();
  const stages: StageTime[] = [{ stage: 'startup', ms: performance.now(), cpuMs: lastCpu }];
  let last = performance.now();
  // The conversion reports a stage as it ends: the CPU time since the previous report is its.
  const cpuSinceLast = (): number => {
    const now = cpuMsNow();
    const spent = now - lastCpu;
    lastCpu = now;
    return spent;
  };
  return {
    lap: (stage) => {
      const t = performance.now();
      stages.push({ stage, ms: t - last, cpuMs: cpuSinceLast() });
      last = t;
    },
    onStage: (stage, ms) => {
      stages.push({ stage, ms, cpuMs: cpuSinceLast() });
      last += ms;
    },
    done: () => ({
      stages,
      totalMs: performance.now(),
      totalCpuMs: cpuMsNow(),
      peakBytes: resourceUsage().maxRSS * 1024,
    }),
  };
}

/** The profile as a table (stage, wall ms, share, CPU ms), then the total and the peak memory. */
export function profileTable(p: Profile, modelBytes: number): string[] {
  const table = new Table({
    head: ['stage', 'ms', 'share', 'cpu ms'],
    style: { head: [], border: [], compact: true },
  });
  for (const { stage, ms, cpuMs } of p.stages)
    table.push([stage, ms.toFixed(0), `${((100 * ms) / p.totalMs).toFixed(0)}%`, cpuMs.toFixed(0)]);
  table.push(['total', p.totalMs.toFixed(0), '100%', p.totalCpuMs.toFixed(0)]);
  return [
    ...table.toString().split('\n'),
    `peak memory ${formatBytes(p.peakBytes)} (${(p.peakBytes / modelBytes).toFixed(1)}x the ${formatBytes(modelBytes)} model)`,
  ];
}
