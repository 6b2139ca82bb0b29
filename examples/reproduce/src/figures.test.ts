import { describe, expect, it } from 'vitest';
import type { Row } from './aggregate.js';
import { costFigure } from './figures.js';

const stat = (mean: number) => ({ mean, std: 0.5 });
const row = (method: string, top1: number, seconds: number) =>
  ({ arch: 'resnet18', method, top1: stat(top1), trainingCpuSeconds: stat(seconds) }) as Row;
const same = (_arch: string, id: string) => id;

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Each visible point label's box, from the SVG's `<text text-anchor transform="translate(x,y)">`;
 * width at least half the 9-pixel font size per character, height one font size.
 */
function labelsIn(svg: string, names: readonly string[]): Map<string, Box> {
  const out = new Map<string, Box>();
  const text =
    /<text[^>]*?text-anchor="(\w+)" transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]*)</g;
  for (const [tag, anchor, x, y, name] of svg.matchAll(text)) {
    if (!names.includes(name) || tag.includes('opacity="0"')) continue;
    const width = 4.5 * name.length;
    const left = Number(x) - (anchor === 'end' ? width : anchor === 'middle' ? width / 2 : 0);
    out.set(name, { left, right: left + width, top: Number(y) - 9, bottom: Number(y) });
  }
  return out;
}

const overlap = (a: Box, b: Box): boolean =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe('costFigure', () => {
  it('labels every point, and two points at one place get labels at different places', async () => {
    const rows = [row('alpha', 80, 50), row('beta', 80, 50), row('gamma', 70, 200)];
    const svg = await costFigure(rows, same, () => 'ResNet-18');
    const at = labelsIn(svg, ['alpha', 'beta', 'gamma']);
    expect([...at.keys()].sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(overlap(at.get('alpha')!, at.get('beta')!)).toBe(false);
  });

  it('keeps every label visible when the points are too crowded to place them all', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `method number ${i}`);
    const rows = names.map((n) => row(n, 80, 50));
    const svg = await costFigure(rows, same, () => 'ResNet-18');
    expect(labelsIn(svg, names).size).toBe(60);
  });
});
