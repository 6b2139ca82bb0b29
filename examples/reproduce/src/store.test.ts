import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAllRuns, readRun, runPath, writeRun } from './store.js';
import type { RunResult } from './run.js';

describe('run store', () => {
  it('writes one JSON per run, reads it back, and lists only finished runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-store-'));
    const key = { arch: 'resnet18', method: 'acb', seed: 2 };
    expect(readRun(dir, key)).toBeUndefined();
    writeRun(dir, { ...key, accuracy: { training: 0.5, deploy: 0.5 } } as RunResult);
    expect(runPath(dir, key)).toBe(join(dir, 'resnet18', 'acb', 'seed-2.json'));
    expect(readRun(dir, key)?.accuracy.training).toBe(0.5);
    writeFileSync(join(dir, 'sessions.jsonl'), '{}\n');
    writeFileSync(join(dir, 'resnet18', 'acb', 'seed-3.json.tmp'), '{');
    expect(readAllRuns(dir).map((r) => r.seed)).toEqual([2]);
  });
});
