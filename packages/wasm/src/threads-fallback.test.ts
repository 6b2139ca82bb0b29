import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WasmConvRuntime } from './conv-runtime.js';

// A page that is not cross-origin isolated: SharedArrayBuffer exists but may not be shared.
const scope = globalThis as { crossOriginIsolated?: boolean };
beforeAll(() => {
  scope.crossOriginIsolated = false;
});
afterAll(() => {
  delete scope.crossOriginIsolated;
});

describe('threads asked for on a page that is not cross-origin isolated', () => {
  it('runs on 1 thread, says so in runtime.threads, and warns once naming COOP and COEP', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const first = await WasmConvRuntime.create({ threads: 2 });
    const second = await WasmConvRuntime.create({ threads: 4 });
    expect([first.threads, second.threads]).toEqual([1, 1]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(
      /Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/,
    );
    warn.mockRestore();
  });

  it('a single thread asked for is no reason to warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect((await WasmConvRuntime.create({ threads: 1 })).threads).toBe(1);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
