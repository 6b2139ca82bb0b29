import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { convertModel, MemoryBudgetError, readModel } from '@reparam/onnx';
import { describe, expect, it } from 'vitest';
import { cli, fixture, workdir } from './test-helpers.js';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('reparam behaves like the tools people know', () => {
  it('--version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await cli(flag);
      expect(r).toEqual({ code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    }
  });

  it('each command has its own --help with its options and an example; the global help lists the commands', async () => {
    const global = await cli('--help');
    expect(global.code).toBe(0);
    for (const c of ['convert', 'inspect', 'verify', 'bench'])
      expect(global.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const convert = await cli('convert', '--help');
    expect(convert.code).toBe(0);
    expect(convert.stdout).toMatch(/^usage: reparam convert IN.onnx -o OUT.onnx/m);
    expect(convert.stdout).toMatch(/--force/);
    expect(convert.stdout).toMatch(/^examples?:\n {2}reparam convert /m);
    const verify = await cli('verify', '-h');
    expect(verify.stdout).toMatch(/^usage: reparam verify A.onnx B.onnx/m);
    expect(verify.stdout).not.toMatch(/--force/);
    expect((await cli('help', 'bench')).stdout).toMatch(/--runs N/);
    expect(convert.stdout).not.toBe(global.stdout);
  });

  it('errors have one prefix: "reparam: Name: message" on one line', async () => {
    for (const argv of [
      ['frobnicate'],
      ['convert', '--frob'],
      ['convert', fixture('repvgg_bn'), '--tolerance', 'x', '-o', 'o.onnx'],
      ['inspect', '/nonexistent/m.onnx'],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^reparam: (UsageError|IoError): /);
      expect(r.stderr.match(/reparam:/g)).toHaveLength(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('--timeout beyond what Node timers hold is refused with the limit, not a wrong timeout', async () => {
    const r = await cli('convert', fixture('repvgg_bn'), '-o', 'o.onnx', '--timeout', '3000000');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--timeout '3000000' must be a positive number up to 2147483.647/);
  });

  it('--max-memory: what does not fit is refused before it is allocated (exit 2, named)', async () => {
    const r = await cli('inspect', fixture('repvgg_bn'), '--max-memory', '1K');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^reparam: MemoryBudgetError: readModel: .* more than the memory budget of /,
    );
    const bad = await cli('inspect', fixture('repvgg_bn'), '--max-memory', 'lots');
    expect(bad.stderr).toMatch(/--max-memory 'lots' must be a size such as 4G/);
    expect((await cli('inspect', fixture('repvgg_bn'), '--max-memory', '1G')).code).toBe(0);
  });

  it("--max-memory also bounds core's merges: what the conversion's estimate leaves of it", async () => {
    const path = fixture('repvgg_bn');
    const estimate = await convertModel(readModel(path), { maxMemory: 1 }).catch((e: unknown) => e);
    expect(estimate).toBeInstanceOf(MemoryBudgetError);
    const held = (estimate as MemoryBudgetError).bytes;
    const out = join(workdir(), 'o.onnx');
    const r = await cli('convert', path, '-o', out, '--max-memory', `${held + 100}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^reparam: MemoryBudgetError: convertModel: collapsing .* would allocate \d+ bytes for .*, more than the 100 bytes \(0\.0 MiB\) the memory budget leaves/,
    );
    expect(readdirSync(dirname(out))).toEqual([]);
    const fits = await cli('convert', path, '-o', out, '--max-memory', `${held + 2 ** 26}`);
    expect(fits.code).toBe(0);
  });

  it('a missing, unreadable or folder input is an I/O error (exit 2) naming the path', async () => {
    const dir = workdir();
    const locked = join(dir, 'locked.onnx');
    copyFileSync(fixture('repvgg_bn'), locked);
    const root = process.getuid?.() === 0; // root reads files whatever their mode
    if (!root) (await import('node:fs')).chmodSync(locked, 0);
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.onnx'), /it does not exist \(ENOENT\)/],
      [dir, /it is a folder/],
      ...(root ? [] : ([[locked, /permission denied/]] as [string, RegExp][])),
    ];
    for (const [path, reason] of cases) {
      const r = await cli('convert', path, '-o', join(dir, 'o.onnx'));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`IoError: readModel: cannot read '${path}'`);
      expect(r.stderr).toMatch(reason);
    }
  });

  it('an existing output is replaced only with --force', async () => {
    const dir = workdir();
    const out = join(dir, 'o.onnx');
    writeFileSync(out, 'precious');
    const refused = await cli('convert', fixture('repvgg_fused'), '-o', out, '--no-verify');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists; pass --force/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const forced = await cli('convert', fixture('repvgg_fused'), '-o', out, '--no-verify', '-f');
    expect(forced.code).toBe(0);
    expect(readModel(out).graph!.node.length).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual(['o.onnx']);
  });

  it('prints a summary table: each op type before and after, parameters and file size', async () => {
    const dir = workdir();
    const out = join(dir, 'o.onnx');
    const r = await cli('convert', fixture('repvgg_bn'), '-o', out);
    expect(r.code).toBe(0);
    const count = (path: string, op: string) =>
      readModel(path).graph!.node.filter((n) => n.opType === op).length;
    const row = (label: string) =>
      r.stdout
        .split('\n')
        .find((l) => l.startsWith(`│ ${label} `))
        ?.split('│')
        .map((c) => c.trim())
        .slice(2, 4);
    for (const op of ['Conv', 'BatchNormalization', 'Relu'])
      expect(row(op)).toEqual([`${count(fixture('repvgg_bn'), op)}`, `${count(out, op)}`]);
    const size = (p: string) => `${(statSync(p).size / 1024).toFixed(2)} KiB`;
    expect(row('file size')).toEqual([size(fixture('repvgg_bn')), size(out)]);
    const params = (path: string) =>
      readModel(path)
        .graph!.initializer.filter((t) => t.dataType === 1)
        .reduce((a, t) => a + t.dims.reduce((x, d) => x * d, 1), 0);
    expect(row('parameters')).toEqual([`${params(fixture('repvgg_bn'))}`, `${params(out)}`]);
  });

  it('draws progress with a percentage on a terminal, nothing on a pipe', async () => {
    const dir = workdir();
    const tty = await cli('inspect', fixture('repvgg_bn'), { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/probe +\[.*\] 0%/);
    expect(tty.stderr).toMatch(/rewrite +\[=+-*\] 50%/);
    const pipe = await cli('convert', fixture('repvgg_bn'), '-o', join(dir, 'o.onnx'));
    expect(pipe.stderr).toBe('');
  });
});
