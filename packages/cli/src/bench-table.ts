import Table from 'cli-table3';
import type { BenchReport, BenchResult } from '@reparam/wasm/node';

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 3)}...` : s);

const fixed = (v: number | undefined, digits: number) =>
  v === undefined ? '-' : v.toFixed(digits);

/** One row per runtime and thread count: times, GFLOP/s, agreement, and what ran (or why not). */
export function benchTable(report: BenchReport, tolerance: number): string[] {
  const table = new Table({
    head: ['runtime', 'threads', 'median ms', 'min ms', 'CPU ms', 'GFLOP/s', 'rel. error', 'ran'],
    style: { head: [], border: [] }, // no colours: output may be a log
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  });
  for (const r of report.results) {
    const error =
      r.relativeError === undefined
        ? '-'
        : `${r.relativeError.toExponential(1)}${r.relativeError > tolerance ? ' (!)' : ''}`;
    table.push([
      r.runtime,
      r.threads,
      fixed(r.medianMs, 2),
      fixed(r.minMs, 2),
      fixed(r.cpuMs, 1),
      fixed(r.gflops, 1),
      r.ok ? error : '-',
      r.ok ? (r.detail ?? '') : clip(`failed: ${r.error ?? ''}`, 90),
    ]);
  }
  return table.toString().split('\n');
}

/** Each distinct failure in full, once (the table clips them). */
export function benchFailures(results: readonly BenchResult[]): string[] {
  const byError = new Map<string, string[]>();
  for (const r of results)
    if (!r.ok)
      byError.set(r.error ?? '', [
        ...(byError.get(r.error ?? '') ?? []),
        `${r.runtime} ${r.threads}T`,
      ]);
  return [...byError].map(([error, configs]) => `${configs.join(', ')}: ${error}`);
}

/** `ours 2T is 2.31x ort-web 2T` for each onnxruntime-web / tfjs peer both sides of which ran. */
export function benchRatios(results: readonly BenchResult[]): string[] {
  const find = (runtime: string, threads: number) =>
    results.find((r) => r.ok && r.runtime === runtime && r.threads === threads);
  const lines: string[] = [];
  for (const [peer, threads, ourThreads] of [
    ['ort-web', 1, 1],
    ['ort-web', 2, 2],
    ['tfjs-wasm', 1, 1],
    ['ort-node', 1, 1],
    ['ort-node', 2, 2],
  ] as const) {
    const ours = find('ours', ourThreads);
    const other = find(peer, threads);
    if (ours?.medianMs === undefined || other?.medianMs === undefined) continue;
    lines.push(
      `ours ${ourThreads}T is ${(other.medianMs / ours.medianMs).toFixed(2)}x ${peer} ${threads}T (median times)`,
    );
  }
  return lines;
}
