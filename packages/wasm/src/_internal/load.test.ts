import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeConv } from '@reparam/core';
import { WasmLoadError } from '../errors.js';
import { WasmConvRuntime } from '../conv-runtime.js';
import { setWasmPaths, wasmFileName, wasmLocation } from './load.js';

afterEach(() => setWasmPaths(undefined));

const identity1x1 = makeConv({ shape: [1, 1, 1, 1], weight: new Float32Array([1]) });

describe('where the kernels are loaded from', () => {
  it("defaults to the package's build/ folder, one file per build", () => {
    expect(wasmFileName(false, false)).toBe('reparam.wasm');
    expect(wasmFileName(true, true)).toBe('reparam-relaxed-shared.wasm');
    const url = wasmLocation('reparam-shared.wasm');
    expect(String(url)).toMatch(/\/packages\/wasm\/build\/reparam-shared\.wasm$/);
  });

  it('a base path puts the file name after the prefix; a map picks per file; the option beats setWasmPaths', () => {
    setWasmPaths('https://cdn.example/reparam/');
    expect(wasmLocation('reparam.wasm')).toBe('https://cdn.example/reparam/reparam.wasm');
    expect(wasmLocation('reparam.wasm', '/assets/')).toBe('/assets/reparam.wasm');
    const map = { 'reparam.wasm': '/a/plain.wasm' };
    expect(wasmLocation('reparam.wasm', map)).toBe('/a/plain.wasm');
    expect(String(wasmLocation('reparam-relaxed.wasm', map))).toMatch(/build\/reparam-relaxed/);
  });

  it('a runtime loads the kernels from a folder given as wasmPaths', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'reparam-wasm-'));
    copyFileSync(fileURLToPath(wasmLocation('reparam.wasm')), join(folder, 'reparam.wasm'));
    const rt = await WasmConvRuntime.create({ wasmPaths: `${folder}/`, relaxedSimd: false });
    expect(rt.threads).toBe(1);
    expect(rt.conv2d(new Float32Array([2]), [1, 1, 1, 1], identity1x1).data).toEqual(
      new Float32Array([2]),
    );
  });

  it('a failed load names the URL that failed and the option that fixes it', async () => {
    const failure = WasmConvRuntime.create({ wasmPaths: '/nowhere/', relaxedSimd: false });
    await expect(failure).rejects.toThrow(WasmLoadError);
    await expect(failure).rejects.toThrow(/\/nowhere\/reparam\.wasm.*wasmPaths: '\/folder\/'/);
  });
});
