import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelBuilder } from './builder.js';
import { parseModel, serializeModel } from './model-io.js';

function identityModel(): Uint8Array {
  const b = new ModelBuilder(17);
  b.output(b.op('Identity', [b.input('x', [1, 2])]), [1, 2]);
  return serializeModel(b.build());
}

afterEach(() => {
  vi.doUnmock('onnxruntime-web');
  vi.resetModules();
});

describe('onnxruntime-web is loaded lazily, only to run a model', () => {
  it('without it, models still parse and serialize; running one throws a UsageError saying what to install', async () => {
    vi.resetModules();
    vi.doMock('onnxruntime-web', () => {
      throw new Error("Cannot find package 'onnxruntime-web'");
    });
    // The whole entry point imports without it (a static import would throw here).
    const onnx = await import('./index.js');
    const bytes = identityModel();
    expect(onnx.serializeModel(onnx.parseModel(bytes))).toEqual(bytes);
    const failure = onnx.openSession(bytes);
    await expect(failure).rejects.toThrow(onnx.UsageError);
    await expect(failure).rejects.toThrow(
      /openSession: running a model .* needs onnxruntime-web, .*npm install onnxruntime-web/,
    );
  });

  it('with it, a session says how many threads onnxruntime-web runs', async () => {
    const { openSession } = await import('./ort-run.js');
    const session = await openSession(serializeModel(parseModel(identityModel())));
    expect(session.threads).toBe(1);
    await session.release();
  });
});
