import { describe, expect, it } from 'vitest';
import { progressBar } from './progress.js';

function io(isTTY: boolean) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t), isTTY },
    },
  };
}

describe('progressBar', () => {
  it('draws on stderr only when stderr is a terminal, never on stdout, and clears its line', () => {
    const tty = io(true);
    const bar = progressBar(tty.io);
    bar.update('probe', 0.5);
    bar.done();
    expect(tty.out.stdout).toBe('');
    expect(tty.out.stderr).toContain('############');
    expect(tty.out.stderr).toContain('probe');
    expect(tty.out.stderr.endsWith('\r')).toBe(true);

    const pipe = io(false);
    const quiet = progressBar(pipe.io);
    quiet.update('probe', 0.5);
    quiet.done();
    expect(pipe.out).toEqual({ stdout: '', stderr: '' });
  });
});
