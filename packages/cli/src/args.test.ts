import { UsageError } from '@reparam/onnx';
import { describe, expect, it } from 'vitest';
import { parseArgs, parseShape } from './args.js';

describe('parseArgs', () => {
  it('reads the command, paths and every flag, with = or a separate value', () => {
    const a = parseArgs([
      'convert',
      'in.onnx',
      '-o',
      'out.onnx',
      '--tolerance=1e-4',
      '--no-verify',
      '--shape',
      'x=2x3x8x8',
      '--shape=y=1x4',
      '--json',
      '--seed',
      '7',
      '--samples',
      '3',
    ]);
    expect(a).toMatchObject({
      command: 'convert',
      positional: ['in.onnx'],
      output: 'out.onnx',
      tolerance: 1e-4,
      verify: false,
      json: true,
      seed: 7,
      samples: 3,
      shapes: { x: [2, 3, 8, 8], y: [1, 4] },
    });
  });

  it('refuses unknown flags, missing values and malformed numbers or shapes', () => {
    for (const argv of [
      ['convert', '--frob'],
      ['convert', '-o'],
      ['verify', '--tolerance', '-1'],
      ['bench', '--runs', '1.5'],
    ]) {
      expect(() => parseArgs(argv)).toThrow(UsageError);
    }
    for (const s of ['x', 'x=', '=1x2', 'x=1x0', 'x=1xa'])
      expect(() => parseShape(s)).toThrow(UsageError);
  });
});
