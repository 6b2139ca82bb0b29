import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeModel, ModelBuilder, readModel } from '@reparam/onnx';
import { describe, expect, it } from 'vitest';
import { cli, fixture, workdir } from './test-helpers.js';

describe('reparam convert', () => {
  it('writes a verified model with only Convs in the blocks and exits 0; --json is machine-readable', async () => {
    const dir = workdir();
    const out = join(dir, 'out.onnx');
    const r = await cli('convert', fixture('repvgg_bn'), '-o', out, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout) as { report: { verification: { ok: boolean } } };
    expect(json.report.verification.ok).toBe(true);
    const m = readModel(out);
    expect(m.graph!.node.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(0);
    expect(readdirSync(dir)).toEqual(['out.onnx']);
  });

  it('exits 1 and writes nothing when verification fails', async () => {
    const dir = workdir();
    const out = join(dir, 'out.onnx');
    const r = await cli('convert', fixture('repvgg_bn'), '-o', out, '--tolerance', '1e-14');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^reparam: VerificationError: convertModel: output 'output' differs .* first region off/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--timeout stops a conversion that takes longer (exit 2, nothing written)', async () => {
    const dir = workdir();
    const r = await cli(
      'convert',
      fixture('repvgg_bn'),
      '-o',
      join(dir, 'o.onnx'),
      '--timeout',
      '0.001',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did not (load|run) within 0.001 s/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('with --json a failed verification also prints the report on stdout', async () => {
    const dir = workdir();
    const r = await cli(
      'convert',
      fixture('repvgg_bn'),
      '-o',
      join(dir, 'o.onnx'),
      '--tolerance',
      '1e-14',
      '--json',
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as {
      ok: boolean;
      exitCode: number;
      error: { name: string };
      report: { regions: unknown[] };
    };
    expect(json).toMatchObject({ ok: false, exitCode: 1, error: { name: 'VerificationError' } });
    expect(json.report.regions.length).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never overwrites its input (exit 2, input unchanged)', async () => {
    const dir = workdir();
    const input = join(dir, 'm.onnx');
    copyFileSync(fixture('repvgg_fused'), input);
    const before = readFileSync(input);
    const r = await cli('convert', input, '-o', join(dir, '.', 'm.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^reparam: UsageError: refusing to overwrite the input/);
    expect(readFileSync(input)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['m.onnx']);
  });

  it('bad input files exit 2 with one line and no output file', async () => {
    const dir = workdir();
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, readFileSync(fixture('repvgg_bn')).subarray(0, 1000));
    for (const args of [
      ['convert', bad, '-o', join(dir, 'o.onnx')],
      ['convert', join(dir, 'missing.onnx'), '-o', join(dir, 'o.onnx')],
      ['inspect', bad],
    ]) {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(dir, 'o.onnx'))).toBe(false);
  });

  it('external data pointing outside the model folder exits 2 with one line', async () => {
    const dir = workdir();
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'secret.bin'), new Uint8Array(16));
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 2, 2, 2]);
    b.output(b.op('Conv', [x, b.floats([2, 2, 1, 1], [1, 0, 0, 1])]), [1, 2, 2, 2]);
    const m = b.build();
    const w = m.graph!.initializer[0];
    Object.assign(w, {
      rawData: undefined,
      dataLocation: 1,
      externalData: [{ key: 'location', value: '../secret.bin' }],
    });
    writeFileSync(join(dir, 'model', 'm.onnx'), encodeModel(m));
    const r = await cli(
      'convert',
      join(dir, 'model', 'm.onnx'),
      '-o',
      join(dir, 'model', 'o.onnx'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^reparam: OnnxFormatError: .*resolves outside the model's folder/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(join(dir, 'model'))).toEqual(['m.onnx']);
  });

  it('says when a block was merged for the fixed input size only (stride-2 branches padded differently)', async () => {
    const dir = workdir();
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 2, 4, 4]);
    const w = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i + n));
    const k3 = b.op('Conv', [x, b.floats([2, 2, 3, 3], w(36))], {
      kernel_shape: [3, 3],
      pads: [0, 0, 1, 1],
      strides: [2, 2],
    });
    const k1 = b.op('Conv', [x, b.floats([2, 2, 1, 1], w(4))], { strides: [2, 2] });
    b.output(b.op('Relu', [b.op('Add', [k3, k1])]), [1, 2, 2, 2]);
    writeFileSync(join(dir, 'm.onnx'), encodeModel(b.build()));
    const r = await cli('convert', join(dir, 'm.onnx'), '-o', join(dir, 'o.onnx'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/merged for input 4x4 only: conv_\d+, conv_\d+, add_\d+/);
    expect(r.stdout).toMatch(/^verified/m);
    expect(readModel(join(dir, 'o.onnx')).graph!.node.map((n) => n.opType)).toEqual([
      'Conv',
      'Relu',
    ]);
  });

  it('usage errors exit 2: unknown command, missing -o, bad --shape, dynamic dims without --shape', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('convert', fixture('repvgg_bn'))).code).toBe(2);
    const noDir = await cli('convert', fixture('repvgg_bn'), '-o', join(workdir(), 'no', 'o.onnx'));
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(
      /^reparam: IoError: cannot write .*no\/o.onnx': its folder does not exist/,
    );
    expect((await cli('inspect', fixture('repvgg_bn'), '--shape', 'input=1xbad')).code).toBe(2);
    const r = await cli('inspect', fixture('repvgg_dynamic_batch'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shape input=1x3x12x12/);
    expect(
      (await cli('inspect', fixture('repvgg_dynamic_batch'), '--shape', 'input=2x3x12x12')).code,
    ).toBe(0);
  });
});

describe('reparam inspect and verify', () => {
  it('inspect lists regions with block kinds and sizes before/after', async () => {
    const r = await cli('inspect', fixture('dbb_bn'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/region \d+ DBB .* collapsed/);
    expect(r.stdout).toMatch(/params \d+ -> \d+, multiply-adds \d+ -> \d+/);
  });

  it('verify exits 0 for a model and its conversion, 1 for different models', async () => {
    const dir = workdir();
    const out = join(dir, 'out.onnx');
    expect((await cli('convert', fixture('acb_crop_bn'), '-o', out, '--no-verify')).code).toBe(0);
    const same = await cli('verify', fixture('acb_crop_bn'), out);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^verified/);
    const diff = await cli('verify', fixture('repvgg_bn'), fixture('repvgg_fused'), '--json');
    expect(diff.code).toBe(1);
    expect((JSON.parse(diff.stdout) as { result: { ok: boolean } }).result.ok).toBe(false);
  });
});

describe('the reparam bin', () => {
  it('runs as a process: progress stays off stdout when not on a terminal, exit code propagates', async () => {
    const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
    const run = promisify(execFile);
    const dir = workdir();
    const out = join(dir, 'o.onnx');
    const ok = await run('npx', [
      'tsx',
      '--conditions=@reparam/source',
      bin,
      'convert',
      fixture('repvgg_fused'),
      '-o',
      out,
      '--json',
    ]);
    expect(ok.stderr).toBe('');
    expect((JSON.parse(ok.stdout) as { output: string }).output).toBe(out);
    const bad = await run('npx', [
      'tsx',
      '--conditions=@reparam/source',
      bin,
      'inspect',
      join(dir, 'nope.onnx'),
    ]).catch((e: { code: number; stderr: string }) => e);
    expect('code' in bad && bad.code).toBe(2);
  }, 60_000);
});
