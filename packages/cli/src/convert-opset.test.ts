import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeTensor,
  defaultOpset,
  denseTensor,
  difference,
  readModel,
  runModel,
  serializeModel,
} from '@reparam/onnx';
import { describe, expect, it } from 'vitest';
import { cli, fixture, workdir } from './test-helpers.js';

/** A tensor PyTorch wrote beside an `@reparam/onnx` fixture (its input or its output). */
const pytorchTensor = (name: string, kind: string) =>
  denseTensor(
    decodeTensor(
      readFileSync(
        fileURLToPath(new URL(`../../onnx/fixtures/${name}.${kind}.pb`, import.meta.url)),
      ),
    ),
  );

describe('reparam convert --opset', () => {
  it("writes an opset-9 export at opset 17, says so, and the file gives PyTorch's output", async () => {
    const out = join(workdir(), 'out.onnx');
    const r = await cli('convert', fixture('repvgg_padpool_acb_o9'), '-o', out, '--opset', '17');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^written at opset 17 \(from 9; \d+ nodes? rewritten\)$/m);
    expect(r.stdout).toMatch(/^verified by onnxruntime-web/m);
    const written = readModel(out);
    expect(defaultOpset(written)).toBe(17);
    expect(written.irVersion).toBeGreaterThanOrEqual(8);
    const input = pytorchTensor('repvgg_padpool_acb_o9', 'input');
    const name = written.graph!.input[0].name!;
    const got = (await runModel(serializeModel(written), { [name]: input })).get('output')!;
    const expected = pytorchTensor('repvgg_padpool_acb_o9', 'output');
    expect(difference('output', expected, got).relative).toBeLessThan(1e-5);
  });

  it('refuses an opset older than the model or newer than 21 (exit 2, nothing written)', async () => {
    const dir = workdir();
    for (const opset of ['8', '22']) {
      const out = join(dir, `o${opset}.onnx`);
      const r = await cli('convert', fixture('repvgg_padpool_acb_o9'), '-o', out, '--opset', opset);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`cannot write the model at opset ${opset}: it is at opset 9, .* 9-21`),
      );
      expect(() => readFileSync(out)).toThrow();
    }
    const older = await cli(
      'convert',
      fixture('repvgg_bn'),
      '-o',
      join(dir, 'a.onnx'),
      '--opset',
      '9',
    );
    expect(older.stderr).toMatch(/an older opset would drop what newer operator versions mean/);
    const bad = await cli(
      'convert',
      fixture('repvgg_bn'),
      '-o',
      join(dir, 'b.onnx'),
      '--opset',
      'x',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--opset 'x' must be a positive integer/);
  });
});
