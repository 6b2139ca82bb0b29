import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const moduleUrl = pathToFileURL(fileURLToPath(new URL('./atomic-file.ts', import.meta.url))).href;

/** A process that writes `target` `times` times with its own byte value; resolves to its exit code. */
function writer(target: string, value: number, times: number): Promise<number | null> {
  const script = [
    `import { writeFileAtomically } from ${JSON.stringify(moduleUrl)};`,
    `const data = new Uint8Array(1 << 16).fill(${value});`,
    `for (let i = 0; i < ${times}; i++) writeFileAtomically(${JSON.stringify(target)}, data);`,
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, '--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (code) => resolve(code));
  });
}

describe('writeFileAtomically', () => {
  it('lets processes write the same file at once: every write lands whole, no temporary is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-atomic-'));
    const target = join(dir, 'nested', 'cache.u8');
    const codes = await Promise.all([1, 2, 3].map((value) => writer(target, value, 300)));
    expect(codes).toEqual([0, 0, 0]);
    const bytes = readFileSync(target);
    expect(bytes.length).toBe(1 << 16);
    expect([1, 2, 3]).toContain(bytes[0]);
    expect(bytes.every((b) => b === bytes[0])).toBe(true);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['cache.u8']);
  }, 60_000);
});
