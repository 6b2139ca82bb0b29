/** Per-run JSON files: one per (protocol, architecture, method, seed), so a run resumes. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';
import type { RunResult } from './run.js';

/** Identifies a run. */
export interface RunKey {
  arch: string;
  method: string;
  seed: number;
}

/** `arch/method/seed-N.json` under the protocol's folder. */
export function runPath(runsDir: string, key: RunKey): string {
  return join(runsDir, key.arch, key.method, `seed-${key.seed}.json`);
}

/** The stored result of a run, or undefined if it has not finished. */
export function readRun(runsDir: string, key: RunKey): RunResult | undefined {
  const path = runPath(runsDir, key);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as RunResult;
}

/** Writes a run's result atomically (a partial file never stands for a finished run). */
export function writeRun(runsDir: string, result: RunResult): void {
  writeFileAtomically(runPath(runsDir, result), `${JSON.stringify(result, null, 1)}\n`);
}

/** Every stored run under a protocol's folder. */
export function readAllRuns(runsDir: string): RunResult[] {
  if (!existsSync(runsDir)) return [];
  const out: RunResult[] = [];
  const folders = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  for (const arch of folders(runsDir))
    for (const method of folders(join(runsDir, arch)))
      for (const file of readdirSync(join(runsDir, arch, method)))
        if (/^seed-\d+\.json$/.test(file))
          out.push(
            JSON.parse(readFileSync(join(runsDir, arch, method, file), 'utf8')) as RunResult,
          );
  return out;
}
