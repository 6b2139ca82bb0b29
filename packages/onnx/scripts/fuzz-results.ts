/**
 * The fuzz script's results: one JSON file per chunk of seeds (`seeds-<from>-<to>.json`), so a
 * run can stop and resume, or be split over machines and days, and one report over all chunks.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/** A case that failed: a crash, a hang, a memory blow-up, a silent wrong output, a file left. */
export interface Failure {
  readonly seed: number;
  readonly category: string;
  readonly failure: string;
}

/** The result of seeds `from` to `to - 1`. */
export interface ChunkResult {
  readonly from: number;
  readonly to: number;
  readonly started: string;
  readonly cpu: string;
  /** 1-minute load average at the start and the end of the chunk. */
  readonly load: readonly [number, number];
  readonly wallMs: number;
  /** CPU time of the runner processes (threads and child processes included). */
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  /** Per category: cases, milliseconds, outcomes with their counts. */
  readonly categories: Record<
    string,
    { cases: number; ms: number; outcomes: Record<string, number> }
  >;
  readonly failures: readonly Failure[];
  readonly slowest: { seed: number; ms: number };
}

const fileOf = (dir: string, from: number, to: number) => join(dir, `seeds-${from}-${to - 1}.json`);

/** The saved result of a chunk, if it was run to the end. */
export function savedChunk(dir: string, from: number, to: number): ChunkResult | undefined {
  const file = fileOf(dir, from, to);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ChunkResult) : undefined;
}

export function saveChunk(dir: string, result: ChunkResult): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(fileOf(dir, result.from, result.to), `${JSON.stringify(result, null, 1)}\n`);
}

/** Accumulates the cases of one chunk. */
export class ChunkTally {
  private readonly t0 = Date.now();
  private readonly load0 = loadavg()[0];
  readonly categories: ChunkResult['categories'] = {};
  readonly failures: Failure[] = [];
  slowest = { seed: 0, ms: 0 };
  cpuMs = 0;
  peakRssMiB = 0;

  constructor(
    readonly from: number,
    readonly to: number,
  ) {}

  add(seed: number, category: string, outcome: string, ms: number, failure?: string): void {
    const c = (this.categories[category] ??= { cases: 0, ms: 0, outcomes: {} });
    c.cases++;
    c.ms += ms;
    c.outcomes[outcome] = (c.outcomes[outcome] ?? 0) + 1;
    if (failure !== undefined) this.failures.push({ seed, category, failure });
    if (ms > this.slowest.ms) this.slowest = { seed, ms };
  }

  result(): ChunkResult {
    return {
      from: this.from,
      to: this.to,
      started: new Date(this.t0).toISOString(),
      cpu: cpus()[0]?.model ?? '?',
      load: [this.load0, loadavg()[0]],
      wallMs: Date.now() - this.t0,
      cpuMs: this.cpuMs,
      peakRssMiB: this.peakRssMiB,
      categories: this.categories,
      failures: this.failures,
      slowest: this.slowest,
    };
  }
}

/** The chunks saved in `dir` whose seeds lie in `[first, end)`. */
export function chunksIn(dir: string, first: number, end: number): ChunkResult[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^seeds-\d+-\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ChunkResult)
    .filter((r) => r.from >= first && r.to <= end)
    .sort((a, b) => a.from - b.from);
}

/** A report over chunks: cases, time and outcomes per category, failures with their seeds. */
export function report(chunks: readonly ChunkResult[]): string {
  const cats = new Map<string, { cases: number; ms: number; outcomes: Map<string, number> }>();
  for (const r of chunks)
    for (const [name, c] of Object.entries(r.categories)) {
      const acc = cats.get(name) ?? { cases: 0, ms: 0, outcomes: new Map() };
      acc.cases += c.cases;
      acc.ms += c.ms;
      for (const [o, n] of Object.entries(c.outcomes))
        acc.outcomes.set(o, (acc.outcomes.get(o) ?? 0) + n);
      cats.set(name, acc);
    }
  const cases = [...cats.values()].reduce((a, c) => a + c.cases, 0);
  const wall = chunks.reduce((a, r) => a + r.wallMs, 0);
  const cpu = chunks.reduce((a, r) => a + r.cpuMs, 0);
  const failures = chunks.flatMap((r) => r.failures);
  const slowest = chunks.reduce((a, r) => (r.slowest.ms > a.ms ? r.slowest : a), {
    seed: 0,
    ms: 0,
  });
  const loads = chunks.flatMap((r) => r.load);
  const lines = [
    `${cases} cases in ${chunks.length} chunks (seeds ${chunks[0]?.from ?? '-'}-${(chunks.at(-1)?.to ?? 1) - 1}), ${failures.length} failures`,
    `time: ${(wall / 3.6e6).toFixed(2)} h wall, ${(cpu / 3.6e6).toFixed(2)} h CPU (${(cpu / Math.max(cases, 1)).toFixed(1)} ms a case); slowest case ${slowest.ms} ms (seed ${slowest.seed}); peak RSS ${Math.max(0, ...chunks.map((r) => r.peakRssMiB))} MiB`,
    `CPU ${chunks[0]?.cpu ?? '?'}; load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}; ${chunks[0]?.started.slice(0, 10) ?? ''} to ${chunks.at(-1)?.started.slice(0, 10) ?? ''}`,
    '',
    '| category | cases | ms a case (wall) | outcomes |',
    '|---|---|---|---|',
    ...[...cats].map(
      ([name, c]) =>
        `| ${name} | ${c.cases} | ${(c.ms / c.cases).toFixed(0)} | ${[...c.outcomes]
          .sort((a, b) => b[1] - a[1])
          .map(([o, n]) => `${o}: ${n}`)
          .join(', ')} |`,
    ),
    '',
    ...failures.map((f) => `FAILURE seed ${f.seed} (${f.category}): ${f.failure}`),
  ];
  return lines.join('\n');
}
