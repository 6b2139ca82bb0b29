import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, workdir } from './test-helpers.js';

interface Doc {
  report: { engine: string; verification: { ok: boolean; engine: string } };
}

describe('reparam convert --engine', () => {
  it('runs the probe and the verification on the onnxruntime it names', async () => {
    for (const [args, engine] of [
      [[], 'onnxruntime-web'],
      [['--engine', 'onnxruntime-node'], 'onnxruntime-node'],
      [['--engine', 'onnxruntime-web'], 'onnxruntime-web'],
    ] as const) {
      const out = join(workdir(), 'out.onnx');
      const r = await cli('convert', fixture('dbb_bn'), '-o', out, '--json', ...args);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as Doc;
      expect(doc.report.engine).toBe(engine);
      expect(doc.report.verification).toMatchObject({ ok: true, engine });
    }
  });

  it('reparam verify takes it too, and a name it does not know is a usage error', async () => {
    const out = join(workdir(), 'out.onnx');
    expect((await cli('convert', fixture('refconv_bn'), '-o', out)).code).toBe(0);
    const r = await cli('verify', fixture('refconv_bn'), out, '--engine', 'onnxruntime-node');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verified by onnxruntime-node/);
    const bad = await cli('verify', fixture('refconv_bn'), out, '--engine', 'tensorrt');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--engine 'tensorrt' must be one of onnxruntime-web, onnxruntime-node/,
    );
  });
});
