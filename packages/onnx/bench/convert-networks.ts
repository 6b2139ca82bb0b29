/**
 * Benchmark (not a test): `reparam convert --profile` (default verification) of whole
 * training-form networks exported from official-shaped PyTorch architectures by networks.py
 * (RepVGG-A0 and MobileOne-S0 at 224, ResNet-18 with Diverse Branch Blocks at 112), generated on
 * demand into bench/.cache with Debian's PyTorch. The CLI is built first and run as users run it
 * (`node packages/cli/dist/bin.js`); each network is converted `--runs` times (default 3) and the
 * run with the median total is shown, stage by stage (wall and process CPU time: CPU time is what a
 * loaded machine changes least), with the process's peak memory.
 *   pnpm bench   (from packages/onnx)   options: --runs 3 --networks repvgg_a0,mobileone_s0 --threads 2
 *   --engine onnxruntime-node
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const cache = join(here, '.cache');
const root = join(here, '..', '..', '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('runs', '3'));
/** Name, input size, and the targets of issue 11 (seconds; peak memory in multiples of the file). */
const NETWORKS: [string, string, number, number | undefined][] = [
  ['repvgg_a0', 'RepVGG-A0 (224)', 1.5, undefined],
  ['mobileone_s0', 'MobileOne-S0 (224)', 1.5, undefined],
  ['dbb_resnet18', 'DBB ResNet-18 (112)', 3, 3],
];
const chosen = arg('networks', NETWORKS.map((n) => n[0]).join(',')).split(',');
/** `reparam convert --threads N` / `--engine NAME`, passed on; the CLI's defaults when not given. */
const passed = ['threads', 'engine'].flatMap((name) => {
  const value = arg(name, '');
  return value === '' ? [] : [`--${name}`, value];
});

interface Profile {
  stages: { stage: string; ms: number; cpuMs: number }[];
  totalMs: number;
  totalCpuMs: number;
  peakBytes: number;
}

function ensureFixtures(names: string[]): string[] {
  const missing = names.filter((n) => !existsSync(join(cache, `${n}_train.onnx`)));
  if (missing.length > 0) {
    mkdirSync(cache, { recursive: true });
    const python = process.env.PYTHON ?? '/usr/bin/python3';
    console.log(`generating ${missing.join(', ')} with ${python} (PyTorch export, a few minutes)`);
    const gen = spawnSync(python, [join(here, 'networks.py'), cache, ...missing], {
      stdio: ['ignore', 'inherit', 'ignore'],
    });
    if (gen.status !== 0) console.log('(not generated: python3 with torch is needed)');
  }
  return names.filter((n) => existsSync(join(cache, `${n}_train.onnx`)));
}

function build(): void {
  const r = spawnSync('pnpm', ['--filter', '@reparam/cli...', 'run', 'build'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`building the CLI failed:\n${r.stdout}\n${r.stderr}`);
}

function convertOnce(model: string, out: string): Profile {
  const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
  const r = spawnSync(
    process.execPath,
    [bin, 'convert', model, '-o', out, '--force', '--profile', '--json', ...passed],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (r.status !== 0) throw new Error(`reparam convert ${model} failed:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { profile: Profile }).profile;
}

const names = ensureFixtures(chosen);
build();
const dir = mkdtempSync(join(tmpdir(), 'reparam-bench-'));
console.log(
  `reparam convert --profile${passed.map((a) => ` ${a}`).join('')} (built CLI, default verification: 2 samples), run with the median total of ${runs}; ${new Date().toISOString()}, ${cpus()[0]?.model ?? '?'} x ${cpus().length}, load ${loadavg()[0].toFixed(2)} at start, Node ${process.version}`,
);
let header = false;
try {
  for (const [name, label, seconds, memory] of NETWORKS) {
    if (!names.includes(name)) continue;
    const model = join(cache, `${name}_train.onnx`);
    const bytes = statSync(model).size;
    const profiles = Array.from({ length: runs }, () => convertOnce(model, join(dir, 'out.onnx')));
    profiles.sort((a, b) => a.totalMs - b.totalMs);
    const p = profiles[profiles.length >> 1];
    const stages = p.stages.map((x) => x.stage); // the CLI's own order
    if (!header) {
      console.log(
        `| network | file (MB) | total wall (s) | total CPU (s) | target (s) | ${stages.join(' | ')} (wall / CPU ms) | peak memory (MB) | x file | target |`,
      );
      console.log(`|---|---|---|---|---|${stages.map(() => '---').join('|')}|---|---|---|`);
      header = true;
    }
    const cells = p.stages.map((x) => `${x.ms.toFixed(0)} / ${x.cpuMs.toFixed(0)}`);
    console.log(
      `| ${label} | ${(bytes / 1e6).toFixed(1)} | ${(p.totalMs / 1000).toFixed(2)} | ${(p.totalCpuMs / 1000).toFixed(2)} | ${seconds} | ${cells.join(' | ')} | ${(p.peakBytes / 1e6).toFixed(0)} | ${(p.peakBytes / bytes).toFixed(1)} | ${memory === undefined ? '-' : `${memory}x`} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
