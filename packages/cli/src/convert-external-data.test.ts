import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readModel } from '@reparam/onnx';
import { describe, expect, it } from 'vitest';
import { cli, fixture, workdir } from './test-helpers.js';

describe('reparam convert --external-data', () => {
  it('writes the initializers of at least BYTES to OUT.data next to OUT; the pair reads back', async () => {
    const dir = workdir();
    const out = join(dir, 'out.onnx');
    const r = await cli('convert', fixture('repvgg_bn'), '-o', out, '--external-data', '256');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['out.onnx', 'out.onnx.data']);
    expect(statSync(join(dir, 'out.onnx.data')).size).toBeGreaterThan(statSync(out).size);
    const back = readModel(out);
    expect(back.graph!.initializer.some((t) => t.externalData.length > 0)).toBe(false); // resolved
    expect(back.graph!.node.filter((n) => n.opType === 'Conv')).toHaveLength(4);
  });

  it('takes K/M suffixes and refuses what is not a size', async () => {
    const dir = workdir();
    const ok = await cli(
      'convert',
      fixture('repvgg_bn'),
      '-o',
      join(dir, 'a.onnx'),
      '--external-data',
      '1K',
      '--no-verify',
    );
    expect(ok.code).toBe(0);
    const bad = await cli(
      'convert',
      fixture('repvgg_bn'),
      '-o',
      join(dir, 'b.onnx'),
      '--external-data',
      'lots',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--external-data 'lots' must be a size in bytes/);
  });
});
