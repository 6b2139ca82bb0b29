import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { encodeModel, ModelBuilder, readModel, type ModelProto } from '@reparam/onnx';
import { describe, expect, it } from 'vitest';
import { cli, fixture, runBin, workdir } from './test-helpers.js';

/** A Conv + BatchNormalization model whose conv weight lives in `weights.bin` next to it. */
function externalModel(dir: string, location = 'weights.bin'): string {
  const b = new ModelBuilder(17);
  const x = b.input('x', [1, 2, 4, 4]);
  const w = b.floats([2, 2, 1, 1], [1, 0.5, -0.25, 1], 'weight');
  const bn = (v: number[]) => b.floats([2], v, 'bn');
  const y = b.op('BatchNormalization', [
    b.op('Conv', [x, w]),
    bn([1, 2]),
    bn([0.1, 0.2]),
    bn([0.3, -0.1]),
    bn([1.5, 0.5]),
  ]);
  b.output(b.op('Relu', [y]), [1, 2, 4, 4]);
  const m: ModelProto = b.build();
  const t = m.graph!.initializer.find((i) => i.name === w)!;
  writeFileSync(join(dir, 'weights.bin'), t.rawData!);
  Object.assign(t, {
    rawData: undefined,
    dataLocation: 1,
    externalData: [{ key: 'location', value: location }],
  });
  const path = join(dir, 'm.onnx');
  writeFileSync(path, encodeModel(m));
  return path;
}

describe('every file the input reads is protected', () => {
  it('-o naming the external data file (directly, or through a link) is refused, even with --force', async () => {
    const dir = workdir();
    const input = externalModel(dir);
    const before = readFileSync(join(dir, 'weights.bin'));
    symlinkSync(join(dir, 'weights.bin'), join(dir, 'link.bin'));
    for (const out of ['weights.bin', './weights.bin', 'link.bin']) {
      const r = await cli('convert', input, '-o', join(dir, out), '--force');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/refusing to overwrite .*which the input model reads/);
      expect(readFileSync(join(dir, 'weights.bin'))).toEqual(before);
    }
    expect(readModel(input).graph!.node.length).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(['link.bin', 'm.onnx', 'weights.bin']);
  });
});

describe('FIFOs never block', () => {
  it('a FIFO as the input or as external data is an I/O error at once (exit 2)', async () => {
    const dir = workdir();
    execFileSync('mkfifo', [join(dir, 'pipe.onnx')]);
    const sub = join(dir, 'ext');
    mkdirSync(sub);
    const input = externalModel(sub);
    execFileSync('rm', [join(sub, 'weights.bin')]);
    execFileSync('mkfifo', [join(sub, 'weights.bin')]);
    for (const [path, what] of [
      [join(dir, 'pipe.onnx'), 'pipe.onnx'],
      [input, 'weights.bin'],
    ]) {
      const r = await runBin(['convert', path, '-o', join(dir, 'o.onnx')], { timeoutMs: 30_000 });
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`IoError: .*${what}': it is a FIFO`));
    }
  }, 90_000);
});

describe('names that file systems refuse', () => {
  it('a 250-character output name is written; a 300-character one is an I/O error naming the reason', async () => {
    const dir = workdir();
    const long = join(dir, `${'m'.repeat(245)}.onnx`);
    const ok = await cli('convert', fixture('repvgg_fused'), '-o', long, '--no-verify');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const tooLong = join(dir, `${'n'.repeat(295)}.onnx`);
    const r = await cli('convert', fixture('repvgg_fused'), '-o', tooLong, '--no-verify');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^reparam: IoError: .*the name is too long for the file system \(ENAMETOOLONG\)\n$/,
    );
    expect(readdirSync(dir)).toEqual([`${'m'.repeat(245)}.onnx`]);
  });
});

describe('control characters in names are escaped', () => {
  it('a node name cannot draw a fake line or colour the terminal', async () => {
    const dir = workdir();
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 2, 4, 4]);
    // Conv then Mul collapse (so convert prints its full report, not the one-line pass-through)
    const conv = b.op('Conv', [x, b.floats([2, 2, 1, 1], [1, 0, 0, 1])]);
    const y = b.op('Mul', [conv, b.floats([1, 2, 1, 1], [2, 3])]);
    const z = b.op('Relu', [x]); // the Add mixes two inputs: it is listed as not linear, by name
    b.output(b.op('Add', [y, z]), [1, 2, 4, 4]);
    const m = b.build();
    const add = m.graph!.node.find((n) => n.opType === 'Add')!;
    add.name = 'add\n\u001b[32mwrote out.onnx (all good)\u001b[0m\u202e';
    const path = join(dir, 'm.onnx');
    writeFileSync(path, encodeModel(m));
    copyFileSync(path, join(dir, 'copy.onnx'));
    for (const argv of [
      ['inspect', path],
      ['convert', path, '-o', join(dir, 'o.onnx')],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('\\x1b[32mwrote out.onnx (all good)\\x1b[0m\\u{202e}');
      // no control character but the line ends
      expect([...r.stdout].filter((c) => c !== '\n' && (c < ' ' || c === '\u202e'))).toEqual([]);
      expect(r.stdout).not.toMatch(/^\S*wrote out.onnx/m);
    }
  });
});
