import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, workdir } from './test-helpers.js';

const STAGES = [
  'startup',
  'read',
  'check',
  'probe',
  'regions',
  'collapse',
  'rewrite',
  'verify',
  'write',
];

describe('reparam convert --profile', () => {
  it('prints where the time went, stage by stage, and the peak memory on stderr', async () => {
    const out = join(workdir(), 'out.onnx');
    const r = await cli('convert', fixture('dbb_bn'), '-o', out, '--profile');
    expect(r.code).toBe(0);
    const rows = STAGES.map((s) =>
      r.stderr.match(new RegExp(`^│ ${s} +│ (\\d+) +│ +\\d+% +│ +\\d+ +│$`, 'm')),
    );
    expect(rows.every((m) => m !== null)).toBe(true);
    expect(r.stderr).toMatch(/^peak memory \d+\.\d\d MiB \(\d+\.\dx the .* model\)$/m);
    expect(r.stdout).toMatch(/^wrote /m);
  });

  it('with --json, the profile is in the document', async () => {
    const out = join(workdir(), 'out.onnx');
    const r = await cli('convert', fixture('repvgg_bn'), '-o', out, '--profile', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      profile: {
        stages: { stage: string; ms: number; cpuMs: number }[];
        totalMs: number;
        totalCpuMs: number;
        peakBytes: number;
      };
    };
    expect(doc.profile.stages.map((s) => s.stage)).toEqual(STAGES);
    const sum = doc.profile.stages.reduce((a, s) => a + s.ms, 0);
    expect(sum).toBeLessThanOrEqual(doc.profile.totalMs + 1);
    const cpu = doc.profile.stages.reduce((a, s) => a + s.cpuMs, 0);
    expect(doc.profile.stages.every((s) => s.cpuMs >= 0)).toBe(true);
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThanOrEqual(doc.profile.totalCpuMs + 1);
    expect(doc.profile.peakBytes).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
  });
});

describe('reparam convert --threads', () => {
  it('runs the probe and the verification on that many onnxruntime-web threads (default 1)', async () => {
    for (const [args, threads] of [
      [[], 1],
      [['--threads', '2'], 2],
    ] as const) {
      const out = join(workdir(), 'out.onnx');
      const r = await cli('convert', fixture('repvgg_bn'), '-o', out, '--json', ...args);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as {
        report: { threads: number; verification: { ok: boolean } };
      };
      expect(doc.report.threads).toBe(threads);
      expect(doc.report.verification.ok).toBe(true);
    }
    const bad = await cli(
      'convert',
      fixture('repvgg_bn'),
      '-o',
      join(workdir(), 'o.onnx'),
      '--threads',
      '0',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--threads '0' must be a positive integer/);
  });
});
