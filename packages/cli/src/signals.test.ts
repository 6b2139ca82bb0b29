import { readdirSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel, ModelBuilder, readModel } from '@reparam/onnx';
import { describe, expect, it } from 'vitest';
import { runBin, workdir } from './test-helpers.js';

/** A model whose output file is 64 MiB, so that writing it takes a while. */
function bigModel(dir: string): string {
  const b = new ModelBuilder(17);
  const n = 4096;
  const x = b.input('x', [1, 1, n, n]);
  const c = b.floats([1, 1, n, n], new Float32Array(n * n).fill(0.5), 'c');
  b.output(b.op('Add', [x, c]), [1, 1, n, n]);
  const path = join(dir, 'big.onnx');
  writeFileSync(path, encodeModel(b.build()));
  return path;
}

describe('signals while the output is being written', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} exits ${code} and leaves no temporary file (the output is whole or absent)`, async () => {
      const dir = workdir();
      const input = bigModel(dir);
      const r = await runBin(['convert', input, '-o', join(dir, 'o.onnx'), '--no-verify'], {
        timeoutMs: 120_000,
        onStart: (child) => {
          // the moment the temporary file appears, interrupt
          const watcher = watch(dir, (_, name) => {
            if (name?.endsWith('.tmp')) {
              watcher.close();
              child.kill(signal);
            }
          });
          child.on('close', () => watcher.close());
        },
      });
      expect(r.timedOut).toBe(false);
      const left = readdirSync(dir);
      expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
      if (left.includes('o.onnx'))
        expect(readModel(join(dir, 'o.onnx')).graph!.node).toHaveLength(1);
    }, 150_000);
  }
});
