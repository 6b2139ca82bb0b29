/**
 * CLI-level fuzz cases: a model written to a folder (inline or with external data, or a FIFO in
 * its place), converted by `reparam convert` in-process with a hostile `-o` (the external data
 * file, a 250- or 300-character name, a missing folder, a folder); and, now and then, the bin as
 * a child process interrupted by SIGINT or SIGTERM. Checks the exit code, that the input's files
 * are unchanged, and that nothing but the output is left in the folder.
 */
import { spawn, execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@reparam/core';
import { runCli } from '../../cli/src/main.js';
import { readModel } from '../src/model-io.js';
import { encodeModel, type ModelProto } from '../src/proto.js';

/** What a CLI case did: its exit code, the converted model if one was written, and any failure. */
export interface CliOutcome {
  code: number;
  converted?: ModelProto;
  failure?: string;
}

const quiet = { write: () => true };

/** Runs one CLI case on `model` (converted at `shape`); never leaves its folder behind. */
export async function cliCase(model: ModelProto, shape: string, seed: number): Promise<CliOutcome> {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const dir = mkdtempSync(join(tmpdir(), 'reparam-fuzz-'));
  try {
    const m = structuredClone(model);
    const external = int(3) === 0;
    if (external) {
      const bin: Uint8Array[] = [];
      let offset = 0;
      for (const t of m.graph!.initializer) {
        if (!t.rawData?.length || int(2) === 0) continue;
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
    const input = join(dir, 'm.onnx');
    const fifo = int(20);
    if (fifo === 0) execFileSync('mkfifo', [input]);
    else writeFileSync(input, encodeModel(m));
    if (fifo === 1 && external) {
      rmSync(join(dir, 'weights.bin'));
      execFileSync('mkfifo', [join(dir, 'weights.bin')]);
    }
    const before = new Map(readdirSync(dir).map((f) => [f, snapshot(join(dir, f))]));
    const outputs = [
      'o.onnx',
      'weights.bin',
      `${'n'.repeat(245)}.onnx`,
      `${'n'.repeat(295)}.onnx`,
      'missing/o.onnx',
      '.',
    ];
    const out = outputs[int(3) === 0 ? int(outputs.length) : 0];
    const argv = ['convert', input, '-o', join(dir, out), '--shape', shape, '--samples', '1'];
    if (int(2) === 0) argv.push('--no-verify');
    if (int(2) === 0) argv.push('--force');
    if (int(4) === 0) argv.push('--json');
    const code = await runCli(argv, { stdout: quiet, stderr: quiet });
    const after = readdirSync(dir);
    const expected = [...before.keys(), ...(code === 0 ? [out] : [])];
    const extra = after.filter((f) => !expected.includes(f));
    if (extra.length > 0) return { code, failure: `files left: ${extra.join(', ')}` };
    for (const [f, s] of before)
      if (snapshot(join(dir, f)) !== s) return { code, failure: `input file ${f} changed` };
    if (![0, 1, 2].includes(code)) return { code, failure: `exit code ${code}` };
    return code === 0 ? { code, converted: readModel(join(dir, out)) } : { code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function snapshot(path: string): string {
  // a FIFO would block the read: only regular files have contents to compare
  return statSync(path).isFile() ? readFileSync(path).toString('base64') : 'not a file';
}

/** The bin as a child, interrupted after `delayMs` by SIGINT or SIGTERM; no temporary file may stay. */
export async function signalCase(model: ModelProto, seed: number): Promise<CliOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'reparam-fuzz-'));
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'm.onnx'), encodeModel(model));
    const bin = fileURLToPath(new URL('../../cli/src/bin.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--conditions=@reparam/source',
        '--import',
        'tsx',
        bin,
        'convert',
        join(dir, 'm.onnx'),
        '-o',
        join(dir, 'o.onnx'),
      ],
      { stdio: 'ignore' },
    );
    const signal = seed % 2 === 0 ? 'SIGINT' : 'SIGTERM';
    setTimeout(() => child.kill(signal), 500 + (seed % 3000));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const left = readdirSync(dir).filter((f) => f !== 'm.onnx' && f !== 'o.onnx');
    if (left.length > 0) return { code: code ?? -1, failure: `files left: ${left.join(', ')}` };
    // null: the signal came before Node installed the handler (nothing was written yet)
    if (code !== null && ![0, 1, 2, 130, 143].includes(code))
      return { code, failure: `exit ${code}` };
    if (readdirSync(dir).includes('o.onnx')) readModel(join(dir, 'o.onnx')); // whole, or absent
    return { code: code ?? -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
