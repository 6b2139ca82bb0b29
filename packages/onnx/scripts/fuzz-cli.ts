/**
 * CLI-level fuzz cases: a model written to a folder (inline or with external data, or a FIFO in
 * its place), run through `reparam convert` (or `inspect`) in-process with a hostile `-o` (the
 * external data file, a 250- or 300-character name, a missing folder, a folder), a small
 * `--max-memory`, `--external-data`; and the bin as a child process interrupted by SIGINT or
 * SIGTERM. Checks the exit code, that the input's files are unchanged, and that nothing but the
 * output is left in the folder.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@reparam/core';
import { runCli } from '../../cli/src/main.js';
import { readModel } from '../src/model-io.js';
import { encodeModel, type ModelProto } from '../src/proto.js';
import { ModelBuilder } from '../src/builder.js';
import { repvggBlock, Rng } from '../src/test-helpers/blocks.js';

/** What a CLI case did: its exit code, the converted model if one was written, and any failure. */
export interface CliOutcome {
  code: number;
  command: string;
  converted?: ModelProto;
  failure?: string;
}

const quiet = { write: () => true };

/** Where cases make their folders: the fuzz script's own folder, removed when it ends. */
const scratch = () => mkdtempSync(join(process.env.REPARAM_FUZZ_TMP ?? tmpdir(), 'case-'));

/**
 * Moves some initializers of `m` (at least one) to `weights.bin` in `dir` (external data): a
 * `weights.bin` the model does not read would be fair game for `-o weights.bin --force`.
 */
function externalize(m: ModelProto, dir: string, int: (n: number) => number): void {
  const bin: Uint8Array[] = [];
  let offset = 0;
  for (const t of m.graph!.initializer) {
    if (!t.rawData?.length || (bin.length > 0 && int(2) === 0)) continue;
    Object.assign(t, {
      dataLocation: 1,
      externalData: [
        { key: 'location', value: 'weights.bin' },
        { key: 'offset', value: `${offset}` },
        { key: 'length', value: `${t.rawData.length}` },
      ],
    });
    bin.push(t.rawData);
    offset += t.rawData.length;
    t.rawData = undefined;
  }
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat(bin));
}

const OUTPUTS = [
  'o.onnx',
  'weights.bin',
  `${'n'.repeat(245)}.onnx`,
  `${'n'.repeat(295)}.onnx`,
  'missing/o.onnx',
  '.',
];

/** Runs one CLI case on `model` (converted at `shape`); never leaves its folder behind. */
export async function cliCase(model: ModelProto, shape: string, seed: number): Promise<CliOutcome> {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const dir = scratch();
  try {
    const m = structuredClone(model);
    const external = int(3) === 0;
    if (external) externalize(m, dir, int);
    const input = join(dir, 'm.onnx');
    const fifo = int(20);
    if (fifo === 0) execFileSync('mkfifo', [input]);
    else writeFileSync(input, encodeModel(m));
    if (fifo === 1 && external) {
      rmSync(join(dir, 'weights.bin'));
      execFileSync('mkfifo', [join(dir, 'weights.bin')]);
    }
    const before = new Map(readdirSync(dir).map((f) => [f, snapshot(join(dir, f))]));
    const command = int(8) === 0 ? 'inspect' : 'convert';
    const out = OUTPUTS[int(3) === 0 ? int(OUTPUTS.length) : 0];
    const argv = [command, input, '--shape', shape];
    if (command === 'convert') {
      argv.push('-o', join(dir, out), '--samples', '1'); // inspect takes no --samples
      if (int(2) === 0) argv.push('--no-verify');
      if (int(2) === 0) argv.push('--force');
      if (int(4) === 0) argv.push('--external-data', `${1 << int(12)}`);
    }
    if (int(4) === 0) argv.push('--json');
    if (int(6) === 0) argv.push('--max-memory', `${1 << (10 + int(14))}`);
    let stderr = '';
    const errors = { write: (t: string) => ((stderr += t), true) };
    const code = await runCli(argv, { stdout: quiet, stderr: errors });
    if (stackTrace(stderr))
      return { code, command, failure: `stack trace: ${stderr.slice(0, 300)}` };
    const written = command === 'convert' && code === 0 ? [out, `${out}.data`] : [];
    const extra = readdirSync(dir).filter((f) => !before.has(f) && !written.includes(f));
    if (extra.length > 0) return { code, command, failure: `files left: ${extra.join(', ')}` };
    for (const [f, s] of before)
      if (snapshot(join(dir, f)) !== s)
        return { code, command, failure: `input file ${f} changed` };
    if (![0, 1, 2].includes(code)) return { code, command, failure: `exit code ${code}` };
    if (written.length === 0) return { code, command };
    return { code, command, converted: readModel(join(dir, out)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI prints one line per error, never a stack trace. */
const stackTrace = (stderr: string) => /^\s+at .+:\d+:\d+\)?$/m.test(stderr);

function snapshot(path: string): string {
  // a FIFO would block the read: only regular files have contents to compare
  return statSync(path).isFile() ? readFileSync(path).toString('base64') : 'not a file';
}

/** A 256-channel RepVGG block (2.6 MB of weights): writing it takes long enough to be interrupted. */
function bigModel(seed: number): ModelProto {
  const b = new ModelBuilder(17);
  b.output(repvggBlock(b, new Rng(seed), b.input('x', [1, 256, 2, 2]), 256, 256), [1, 256, 2, 2]);
  return b.build();
}

/**
 * `bin` (the bundled CLI) as a child converting a small hostile `model` or a big one,
 * interrupted after 50-2500 ms by SIGINT or SIGTERM: it exits 130/143 (or ends first), leaves
 * no temporary file, and its output is whole or absent.
 */
export async function signalCase(
  model: ModelProto,
  shape: string,
  seed: number,
  bin: string,
): Promise<CliOutcome> {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const dir = scratch();
  try {
    const small = int(2) === 0;
    writeFileSync(join(dir, 'm.onnx'), encodeModel(small ? model : bigModel(seed)));
    const argv = [bin, 'convert', join(dir, 'm.onnx'), '-o', join(dir, 'o.onnx')];
    argv.push('--shape', small ? shape : 'x=1x256x2x2');
    if (int(2) === 0) argv.push('--no-verify');
    if (int(3) === 0) argv.push('--external-data', '1K');
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const signal = int(2) === 0 ? 'SIGINT' : 'SIGTERM';
    const timer = setTimeout(() => child.kill(signal), 50 + int(2450));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    const outcome = { code: code ?? -1, command: `convert ${signal}` };
    const files = readdirSync(dir);
    // the output's external data is written first: without the output, it is left over
    const written = files.includes('o.onnx') ? ['o.onnx', 'o.onnx.data'] : [];
    const left = files.filter((f) => f !== 'm.onnx' && !written.includes(f));
    if (left.length > 0) return { ...outcome, failure: `files left: ${left.join(', ')}` };
    // the CLI prints one line per error, never a stack trace
    if (stackTrace(stderr)) return { ...outcome, failure: `stack trace: ${stderr.slice(0, 300)}` };
    // null: the signal came before Node installed the handler (nothing was written yet)
    if (code !== null && ![0, 1, 2, 130, 143].includes(code))
      return { ...outcome, failure: `exit ${code}` };
    if (written.length > 0) readModel(join(dir, 'o.onnx')); // whole, or absent
    return outcome;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
