import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocolId, quickProtocol } from './protocol.js';
import { readAllRuns, runPath } from './store.js';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

function reproduce(out: string): { status: number | null; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [tsx, '--conditions=@reparam/source', main, '--quick', '--out', out],
    {
      encoding: 'utf8',
      timeout: 540_000,
    },
  );
  return { status: r.status, stderr: r.stderr };
}

describe('pnpm reproduce --quick', () => {
  it('trains and measures every method, writes the report and figures, and resumes only missing runs', () => {
    const out = mkdtempSync(join(tmpdir(), 'reparam-reproduce-'));
    const first = reproduce(out);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/18 runs to do/);

    const runsDir = join(out, 'results', 'runs', protocolId(quickProtocol));
    const runs = readAllRuns(runsDir);
    expect(runs).toHaveLength(18);
    for (const r of runs) {
      // The deploy model must compute what the training form computes, on every test image.
      expect(r.forms.differentPredictions, `${r.arch} ${r.method}`).toBe(0);
      expect(r.forms.maxProbabilityDifference, `${r.arch} ${r.method}`).toBeLessThan(1e-4);
      expect(r.accuracy.deploy).toBe(r.accuracy.training);
      expect(r.macsPerImage.training).toBeGreaterThanOrEqual(r.macsPerImage.deploy * 0.999);
      expect(r.stages.at(-1)!.memory.peak).toBeGreaterThan(r.stages.at(-1)!.memory.resident);
    }
    // Every method of an architecture deploys to the same network.
    for (const arch of ['resnet18', 'repvgg'])
      expect(
        new Set(runs.filter((r) => r.arch === arch).map((r) => r.params.deploy.total)).size,
      ).toBe(1);

    const report = readFileSync(join(out, 'results.md'), 'utf8');
    for (const heading of [
      "## The talk's table, here",
      '## Against the talk',
      '## RepVGG ablation',
      "## RefConv's parameter column",
    ])
      expect(report).toContain(heading);
    for (const fig of ['accuracy.svg', 'accuracy-vs-cost.svg', 'ablation.svg'])
      expect(readFileSync(join(out, 'results', fig), 'utf8')).toMatch(/^<svg/);

    // Resume: a missing run is redone from the stored baseline checkpoint, nothing else, and the
    // hand-written notes survive.
    writeFileSync(join(out, 'results.md'), report.replace('_No notes yet._', 'A note by hand.'));
    const refconv = runPath(runsDir, { arch: 'resnet18', method: 'refconv', seed: 1 });
    const acb = runPath(runsDir, { arch: 'resnet18', method: 'acb', seed: 1 });
    const acbTime = statSync(acb).mtimeMs;
    rmSync(refconv);
    const second = reproduce(out);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/1 runs to do/);
    expect(existsSync(refconv)).toBe(true);
    expect((JSON.parse(readFileSync(refconv, 'utf8')) as { baseline: string }).baseline).toBe(
      'checkpoint',
    );
    expect(statSync(acb).mtimeMs).toBe(acbTime);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('A note by hand.');
    rmSync(out, { recursive: true });
  }, 600_000);
});
