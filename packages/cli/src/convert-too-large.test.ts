import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cli, fixture, workdir } from './test-helpers.js';

// @reparam/onnx's conversion limit (protobuf's 2 GiB) lowered to 4 KiB for the test.
vi.mock('../../onnx/src/inline-limit.ts', async (original) => ({
  ...(await original<Record<string, unknown>>()),
  MAX_INLINE_BYTES: 4096,
}));

describe('reparam convert on a model over what onnxruntime takes in one message', () => {
  it('refuses it up front by name (exit 2), says the limit and why, writes nothing', async () => {
    const out = join(workdir(), 'out.onnx');
    const r = await cli('convert', fixture('repvgg_bn'), '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^reparam: ModelTooLargeError: analyzeModel: the model's tensors take \d+ bytes .* more than the 4096 .* of one protobuf message/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
