/**
 * `pnpm reproduce`: trains every method of the talk's tables on Fashion-MNIST over seeds, on
 * worker processes, storing one JSON per run (so an interrupted run resumes and a new method
 * trains only its own runs), then writes results.md and its figures. `--help` for the options.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from './aggregate.js';
import { architectures, type ArchId } from './architectures.js';
import { parseReproduceArgs, usage } from './args.js';
import { Eta, formatDuration } from './eta.js';
import { accuracyFigure, costFigure } from './figures.js';
import { fullSizeParams } from './full-size.js';
import { methods, runsOn, type Method } from './methods.js';
import { runPool, type Planned } from './pool.js';
import { Progress } from './progress.js';
import { defaultProtocol, protocolId, quickProtocol } from './protocol.js';
import { NOTES_MARKER, renderReport } from './report.js';
import { readAllRuns, readRun, writeRun, type RunKey } from './store.js';
import { stageSteps } from './train.js';

const args = parseReproduceArgs(process.argv.slice(2));
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../../..');
const protocol = args.quick ? quickProtocol : defaultProtocol;
const pid = protocolId(protocol);
const out = resolve(
  args.out ?? (args.quick ? mkdtempSync(join(tmpdir(), 'reparam-quick-')) : join(repo, 'docs')),
);
const resultsDir = join(out, 'results');
const runsDir = join(resultsDir, 'runs', pid);
const cacheDir = join(repo, 'examples/reproduce/.cache');

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: repo,
    })
      .toString()
      .trim();
    return dirty === '' ? head : `${head}+changes`;
  } catch {
    return 'unknown';
  }
}

const archIds = (args.archs ?? protocol.architectures) as ArchId[];
for (const a of archIds)
  if (!(a in architectures))
    throw new Error(
      `unknown architecture '${a}'; known: ${Object.keys(architectures).join(', ')}\n${usage}`,
    );
const chosen = methods.filter((m) => args.methods === undefined || args.methods.includes(m.id));
for (const id of args.methods ?? [])
  if (!methods.some((m) => m.id === id))
    throw new Error(
      `unknown method '${id}'; known: ${methods.map((m) => m.id).join(', ')}\n${usage}`,
    );
const seeds = Array.from({ length: args.seeds }, (_, i) => i + 1);
const named = (m: Method): boolean => args.methods?.includes(m.id) ?? false;

if (args.calibrate) {
  const { calibrate } = await import('./calibrate.js');
  await calibrate(
    protocol,
    archIds,
    chosen,
    { seeds: seeds.length, jobs: args.jobs, steps: 10, cacheDir, named: args.methods ?? [] },
    (line) => console.log(line),
  );
  process.exit(0);
}

// Seed by seed, so an interrupted run leaves whole tables of the first seeds.
const plan: Planned[] = [];
const head = commit();
const trainCount = 10 * protocol.trainPerClass;
for (const seed of seeds)
  for (const arch of archIds)
    for (const method of chosen.filter((m) => runsOn(m, arch, named(m)))) {
      const key: RunKey = { arch, method: method.id, seed };
      if (readRun(runsDir, key) !== undefined) continue;
      plan.push({
        key,
        spec: { arch, method: method.id, seed, protocol, cacheDir, commit: head },
        steps: stageSteps(protocol, trainCount),
        after: method.start.kind === 'from-baseline' ? { arch, method: 'conv', seed } : undefined,
      });
    }

const started = Date.now();
const loadStart = loadavg()[0];
const failures: string[] = [];
if (!args.reportOnly && plan.length > 0) {
  console.error(
    `${plan.length} runs to do (${pid}), ${args.jobs} worker processes; results in ${runsDir}; load average ${loadStart.toFixed(1)}`,
  );
  const progress = new Progress(plan.length);
  const eta = new Eta();
  const remaining = new Map(plan.map((p) => [p, p.steps]));
  const lastStep = new Map<number, { at: number; step: number; stage: string }>();
  let done = 0;
  let interrupted = 0;
  const overall = (): void => {
    const left = [...remaining].map(([p, steps]) => ({
      arch: p.key.arch,
      method: p.key.method,
      steps,
    }));
    progress.runs(
      done,
      `elapsed ${formatDuration((Date.now() - started) / 1000)}, ETA ${formatDuration(eta.secondsLeft(left, args.jobs))}`,
    );
  };
  const pool = runPool(plan, args.jobs, (k) => readRun(runsDir, k) !== undefined, {
    onStart: (w, run) => {
      lastStep.delete(w);
      progress.worker(w, 0, run.steps, `${run.key.arch} ${run.key.method} seed ${run.key.seed}`);
    },
    onStep: (w, run, m) => {
      const now = Date.now();
      const prev = lastStep.get(w);
      if (
        prev !== undefined &&
        prev.stage === m.stage &&
        m.step > prev.step &&
        m.stage === run.key.method
      )
        eta.recordStep(run.key.arch, run.key.method, (now - prev.at) / (m.step - prev.step));
      lastStep.set(w, { at: now, step: m.step, stage: m.stage });
      if (m.stage === run.key.method) remaining.set(run, m.steps - m.step);
      progress.worker(
        w,
        m.step,
        m.steps,
        `${run.key.arch} ${run.key.method} seed ${run.key.seed} ${m.stage === run.key.method ? '' : `(${m.stage}) `}loss ${m.loss.toFixed(3)}`,
      );
      overall();
    },
    onDone: (_w, run, r) => {
      writeRun(runsDir, r);
      done++;
      remaining.delete(run);
      const last = r.stages[r.stages.length - 1];
      eta.recordStep(r.arch, r.method, last.medianStepMs);
      eta.recordOverhead(r.wallSeconds - r.stages.reduce((a, s) => a + s.seconds, 0));
      progress.log(
        `done ${r.arch} ${r.method} seed ${r.seed}: top-1 ${(100 * r.accuracy.training).toFixed(2)}% (deploy ${(100 * r.accuracy.deploy).toFixed(2)}%), ${last.medianStepMs.toFixed(0)} ms/step, ${formatDuration(r.wallSeconds)}`,
      );
      overall();
    },
    onInterrupted: (_w, run) => {
      interrupted++;
      remaining.delete(run);
      progress.log(`interrupted ${run.key.arch} ${run.key.method} seed ${run.key.seed}`);
    },
    onFailed: (_w, run, message) => {
      done++;
      remaining.delete(run);
      failures.push(`${run.key.arch} ${run.key.method} seed ${run.key.seed}: ${message}`);
      progress.log(`FAILED ${run.key.arch} ${run.key.method} seed ${run.key.seed}: ${message}`);
      overall();
    },
  });
  let signal: NodeJS.Signals | undefined;
  for (const s of ['SIGINT', 'SIGTERM'] as const)
    process.on(s, () => {
      signal = s;
      pool.stop();
    });
  await pool.done;
  progress.stop();
  mkdirSync(runsDir, { recursive: true });
  appendFileSync(
    join(runsDir, 'sessions.jsonl'),
    `${JSON.stringify({ start: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, jobs: args.jobs, runs: done - failures.length, failed: failures.length, interrupted, load: [loadStart, loadavg()[0]], cpu: cpus()[0]?.model })}\n`,
  );
  if (signal !== undefined) {
    console.error(
      `stopped by ${signal}: finished runs are stored; run the same command again to resume`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
}

// The report, from every stored run of this protocol (of the chosen methods and seeds).
const runs = readAllRuns(runsDir).filter((r) => seeds.includes(r.seed));
const order = archIds.flatMap((arch) =>
  methods
    // Optional networks of a method are reported when some of their runs are stored.
    .filter((m) =>
      runsOn(
        m,
        arch,
        runs.some((r) => r.arch === arch && r.method === m.id),
      ),
    )
    .map((m) => ({ arch, method: m.id, fromBaseline: m.start.kind === 'from-baseline' })),
);
const rows = summarize(runs, order);
const missing = order
  .map((o) => ({
    arch: o.arch,
    method: o.method,
    seeds: seeds.filter(
      (s) => !runs.some((r) => r.arch === o.arch && r.method === o.method && r.seed === s),
    ),
  }))
  .filter((m) => m.seeds.length > 0);
const labelOf = (_arch: string, id: string): string =>
  methods.find((m) => m.id === id)?.label ?? id;
const archLabel = (a: string): string => architectures[a as ArchId]?.label ?? a;
mkdirSync(resultsDir, { recursive: true });
const figures: string[] = [];
const tables = rows.filter((r) => r.arch !== 'repvgg');
if (tables.length > 0) {
  writeFileSync(
    join(resultsDir, 'accuracy.svg'),
    await accuracyFigure(tables, runs, labelOf, archLabel),
  );
  writeFileSync(
    join(resultsDir, 'accuracy-vs-cost.svg'),
    await costFigure(tables, labelOf, archLabel),
  );
  figures.push('accuracy.svg', 'accuracy-vs-cost.svg');
}
const ablation = rows.filter((r) => r.arch === 'repvgg');
if (ablation.length > 0) {
  writeFileSync(
    join(resultsDir, 'ablation.svg'),
    await accuracyFigure(ablation, runs, labelOf, archLabel),
  );
  figures.push('ablation.svg');
}
const reportPath = join(out, 'results.md');
const previous = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : '';
const notesAt = previous.indexOf(NOTES_MARKER);
const sessions = existsSync(join(runsDir, 'sessions.jsonl'))
  ? readFileSync(join(runsDir, 'sessions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seconds: number; runs: number })
  : [];
const loads = runs.map((r) => r.machine.loadBefore[0]);
writeFileSync(
  reportPath,
  renderReport({
    rows,
    methods,
    protocol,
    protocolId: pid,
    architectures: Object.fromEntries(
      archIds.map((a) => [
        a,
        { label: architectures[a].label, description: architectures[a].describe(protocol) },
      ]),
    ),
    fullSize: fullSizeParams(),
    provenance: {
      date:
        runs
          .map((r) => r.startedAt)
          .sort()
          .pop()
          ?.slice(0, 10) ?? 'never',
      cpus: [...new Set(runs.map((r) => r.machine.cpu))],
      cores: runs[0]?.machine.cores ?? cpus().length,
      node: runs[0]?.machine.node ?? process.version,
      load: [Math.min(...loads), Math.max(...loads)],
      commits: [...new Set(runs.map((r) => r.commit))],
      computeSeconds: runs.reduce((a, r) => a + r.wallSeconds, 0),
      cpuSeconds: runs.reduce((a, r) => a + r.cpuSeconds, 0),
      sessionSeconds: sessions.filter((s) => s.runs > 0).reduce((a, s) => a + s.seconds, 0),
      runs: runs.length,
      seeds: seeds.length,
    },
    figures,
    missing,
    notes: notesAt < 0 ? '\n_No notes yet._\n' : previous.slice(notesAt + NOTES_MARKER.length),
  }),
);
console.error(
  `wrote ${reportPath} (${runs.length} runs, ${missing.reduce((a, m) => a + m.seeds.length, 0)} missing)`,
);
if (failures.length > 0) {
  console.error(`${failures.length} runs failed:\n${failures.join('\n')}`);
  process.exit(1);
}
