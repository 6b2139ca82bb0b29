/**
 * Fuzzes the converter and the CLI (not part of the tests). Categories by `seed % 200` (see
 * fuzz-cases.ts): mutated or random bytes and mutated fixture graphs through parse + convert;
 * generated hostile models converted with and without verification, each converted model
 * re-run against the original at two sizes by native onnxruntime; `reparam convert` / `inspect`
 * on files; the bin interrupted by signals.
 *
 * The cases run in one long-lived runner process per chunk of seeds (fuzz-runner.ts); this
 * supervisor names the seed of a case that hangs (no end within --case-limit), crashes the
 * runner, or grows it past --max-rss, then goes on with the next seed. Each finished chunk is
 * saved (.fuzz/results/seeds-A-B.json): run again, the same command skips them.
 *
 *   nice -n 19 pnpm fuzz [cases=100000] [firstSeed=1] [--chunk 1000] [--jobs 1]
 *   pnpm fuzz 1 4711 --again --trace      # one seed again, printing its outcome
 *   pnpm fuzz --report [cases] [firstSeed] # the report of the chunks saved so far
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { categoryOf } from './fuzz-cases.js';
import {
  chunksIn,
  ChunkTally,
  report,
  saveChunk,
  savedChunk,
  type ChunkResult,
} from './fuzz-results.js';
import type { RunnerMessage } from './fuzz-runner.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    chunk: { type: 'string', default: '1000' },
    jobs: { type: 'string', default: '1' },
    results: {
      type: 'string',
      default: fileURLToPath(new URL('../.fuzz/results', import.meta.url)),
    },
    'case-limit': { type: 'string', default: '120' },
    'max-rss': { type: 'string', default: '2048' },
    again: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
  },
});
const cases = Number(positionals[0] ?? 100_000);
const first = Number(positionals[1] ?? 1);
const chunk = Number(values.chunk);
const caseLimitMs = Number(values['case-limit']) * 1000;
const maxRssMiB = Number(values['max-rss']);
const end = first + cases;

if (values.report) {
  console.log(report(chunksIn(values.results, first, end)));
  process.exit(0);
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'reparam-fuzz-'));
// the CLI bundled once: a signal case starts `node` on it in 0.1 s, not tsx on the sources in 1 s
const bin = join(here('../.fuzz'), 'reparam.mjs');
mkdirSync(here('../.fuzz'), { recursive: true });
await build({
  entryPoints: [here('../../cli/src/bin.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@reparam/source'],
  external: ['onnxruntime-web', 'onnxruntime-node', '@tensorflow/*'],
  banner: {
    // the bundle imports createRequire itself: the banner's must have another name
    js: "import { createRequire as bannerRequire } from 'node:module'; const require = bannerRequire(import.meta.url);",
  },
  outfile: bin,
  logLevel: 'warning',
});

// a bin that does not start would turn every signal case into a harmless-looking exit 1
execFileSync(process.execPath, [bin, '--version'], { stdio: 'ignore' });

const live = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    for (const c of live) kill(c);
    rmSync(scratch, { recursive: true, force: true });
    console.log(
      `stopped; finished chunks are saved in ${values.results}: the same command resumes`,
    );
    process.exit(130);
  });

function kill(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL'); // its process group: signal-case children too
  } catch {
    // already gone
  }
}

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]) / 1024;
  } catch {
    return 0;
  }
}

/**
 * Runs seeds `[from, to)` in a runner; resolves with the seed to go on from: `to`, or the one
 * after a case that hung, crashed the runner or blew its memory up (counted as a failure).
 */
function runRange(
  from: number,
  to: number,
  tally: ChunkTally,
  folder: string,
): Promise<{ next: number; clean: boolean }> {
  return new Promise((resolve) => {
    const child = fork(here('fuzz-runner.ts'), [`${from}`, `${to}`], {
      execArgv: ['--conditions=@reparam/source', '--import', 'tsx'],
      env: { ...process.env, REPARAM_FUZZ_TMP: folder, REPARAM_FUZZ_BIN: bin },
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(child);
    let current: number | undefined;
    let last = from - 1;
    let done = false;
    let caseTimer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const stop = (why: string) => {
      if (stopped) return;
      stopped = true;
      const seed = current ?? last;
      tally.add(seed, categoryOf(seed), `FAILURE ${why.split(':')[0]}`, 0, why);
      console.error(`seed ${seed}: ${why}`);
      kill(child);
    };
    const memory = setInterval(() => {
      const rss = rssMiB(child.pid!);
      tally.peakRssMiB = Math.max(tally.peakRssMiB, Math.round(rss));
      if (rss > maxRssMiB) stop(`memory blow-up: the runner reached ${rss.toFixed(0)} MiB`);
    }, 250);
    child.on('message', (m: RunnerMessage) => {
      if (m.type === 'start') {
        current = m.seed;
        caseTimer = setTimeout(
          () => stop(`hang: no end after ${caseLimitMs / 1000} s`),
          caseLimitMs,
        );
      } else if (m.type === 'end') {
        clearTimeout(caseTimer);
        current = undefined;
        last = m.seed;
        tally.add(m.seed, m.category, m.outcome, m.ms, m.failure);
        if (m.failure !== undefined) console.error(`seed ${m.seed}: ${m.failure}`);
        if (values.trace) console.log(`seed ${m.seed} ${m.category}: ${m.outcome} (${m.ms} ms)`);
      } else {
        tally.cpuMs += m.cpuMs;
        done = true;
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(caseTimer);
      clearInterval(memory);
      live.delete(child);
      if (done) return resolve({ next: to, clean: true });
      if (!stopped) stop(`crash: the runner exited (${signal ?? code})`);
      resolve({ next: (current ?? last) + 1, clean: false });
    });
  });
}

async function runChunk(from: number, to: number): Promise<ChunkResult> {
  const tally = new ChunkTally(from, to);
  const folder = mkdtempSync(join(scratch, 'chunk-'));
  let clean = true;
  for (let next = from; next < to;) {
    const r = await runRange(next, to, tally, folder);
    next = r.next;
    clean &&= r.clean;
  }
  // a case stopped by the supervisor leaves its folder: only a clean chunk must leave none
  const left = readdirSync(folder);
  if (clean && left.length > 0) {
    tally.add(
      from,
      'all',
      'FAILURE files left',
      0,
      `files left in the cases' folder: ${left.join(', ')}`,
    );
  }
  rmSync(folder, { recursive: true, force: true });
  return tally.result();
}

const todo: [number, number][] = [];
for (let a = first; a < end; a += chunk) {
  const b = Math.min(a + chunk, end);
  if (values.again || savedChunk(values.results, a, b) === undefined) todo.push([a, b]);
}
console.log(
  `${cases} cases from seed ${first}: ${todo.length} chunks of ${chunk} to run, ${Math.ceil(cases / chunk) - todo.length} saved`,
);
const t0 = Date.now();
await Promise.all(
  Array.from({ length: Number(values.jobs) }, async () => {
    for (let job = todo.shift(); job !== undefined; job = todo.shift()) {
      const r = await runChunk(...job);
      saveChunk(values.results, r);
      const n = Object.values(r.categories).reduce((a, c) => a + c.cases, 0);
      console.log(
        `seeds ${r.from}-${r.to - 1}: ${n} cases in ${(r.wallMs / 1000).toFixed(0)} s (${(r.cpuMs / n).toFixed(0)} ms CPU a case), ${r.failures.length} failures; ${((Date.now() - t0) / 1000).toFixed(0)} s so far`,
      );
    }
  }),
);
rmSync(scratch, { recursive: true, force: true });
const all = chunksIn(values.results, first, end);
console.log(report(all));
if (all.some((r) => r.failures.length > 0)) process.exitCode = 1;
