import { describe, expect, it } from 'vitest';
import { methods } from './methods.js';
import { defaultProtocol } from './protocol.js';
import { NOTES_MARKER, renderReport, type ReportInput } from './report.js';

function input(missing: ReportInput['missing']): ReportInput {
  return {
    rows: [],
    methods,
    protocol: defaultProtocol,
    protocolId: 'default-0',
    architectures: { resnet18: { label: 'ResNet-18', description: 'ResNet-18' } },
    fullSize: [],
    provenance: {
      date: '2026-11-30',
      cpus: ['x'],
      cores: 2,
      node: 'v20',
      load: [20, 30],
      commits: ['c'],
      computeSeconds: 1200,
      cpuSeconds: 100,
      sessionSeconds: 700,
      runs: 3,
      seeds: 3,
    },
    figures: [],
    missing,
    notes: '',
  };
}

describe('renderReport', () => {
  it('opens with how partial the run is, what stretched it and what is missing', () => {
    const md = renderReport(
      input([
        { arch: 'resnet18', method: 'dbb', seeds: [1, 2, 3] },
        { arch: 'resnet18', method: 'acb', seeds: [2] },
      ]),
    );
    expect(md).toContain('**Partial run: 3 of 7 runs done** (43%)');
    expect(md).toContain('load average 20.0-30.0');
    expect(md).toContain('wall time 12.0x over their CPU time');
    expect(md).toContain('Missing: resnet18/dbb (seeds 1, 2, 3), resnet18/acb (seed 2).');
    expect(md.indexOf('Partial run')).toBeLessThan(md.indexOf('## Protocol'));
  });

  it('says nothing of a partial run when every planned run is stored', () => {
    expect(renderReport(input([]))).not.toContain('Partial run');
  });

  it('keeps the hand notes below the marker, the same after any number of regenerations', () => {
    const once = renderReport({ ...input([]), notes: '\n\n## Notes\n\nBy hand.\n' });
    const kept = once.slice(once.indexOf(NOTES_MARKER) + NOTES_MARKER.length);
    expect(kept).toBe('\n\n## Notes\n\nBy hand.\n');
    expect(renderReport({ ...input([]), notes: kept })).toBe(once);
  });
});
