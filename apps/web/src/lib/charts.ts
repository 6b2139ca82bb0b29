/**
 * Every chart of the app, drawn by Observable Plot (SVG; lines, bars, cells with labels and
 * filled contours from one grammar). Functions take plain numbers and return an element.
 */
import * as Plot from '@observablehq/plot';

/** A bar of a grouped bar chart. */
export interface Bar {
  readonly group: string;
  readonly series: string;
  readonly value: number;
}

/** Grouped vertical bars: one group per `group`, one bar per `series`, value labels on top. */
export function groupedBars(bars: readonly Bar[], yLabel: string): Element {
  return Plot.plot({
    width: 640,
    height: 280,
    marginBottom: 40,
    fx: { label: null, padding: 0.15 },
    x: { axis: null, padding: 0.1 },
    y: { label: yLabel, grid: true },
    color: { legend: true },
    marks: [
      Plot.barY(bars, { fx: 'group', x: 'series', y: 'value', fill: 'series', tip: true }),
      Plot.text(bars, {
        fx: 'group',
        x: 'series',
        y: 'value',
        text: (d: Bar) => d.value.toFixed(2),
        dy: -6,
        fontSize: 10,
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** A point of a line chart. */
export interface Point {
  readonly x: number;
  readonly y: number;
  readonly series: string;
}

/** Lines, one per `series`. */
export function lines(
  points: readonly Point[],
  o: { x: string; y: string; width?: number; height?: number; yDomain?: [number, number] },
): Element {
  return Plot.plot({
    width: o.width ?? 420,
    height: o.height ?? 240,
    x: { label: o.x },
    y: { label: o.y, grid: true, domain: o.yDomain },
    color: { legend: true },
    marks: [
      Plot.line(points, { x: 'x', y: 'y', stroke: 'series', tip: true }),
      Plot.dot(points, { x: 'x', y: 'y', fill: 'series', r: 1.5 }),
      Plot.ruleY([o.yDomain?.[0] ?? 0]),
    ],
  });
}

/** A cell of a heatmap. */
interface Cell {
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

/**
 * A `rows x cols` heatmap of row-major `values`; with `labels` every cell shows its number (as
 * the ACNet paper's skeleton figure). `domain` fixes the colour scale (to compare two maps).
 */
export function heatmap(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  o: {
    title: string;
    label: string;
    labels?: boolean;
    domain?: [number, number];
    size?: number;
    scheme?: string;
  },
): Element {
  const cells: Cell[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) cells.push({ row: r, col: c, value: values[r * cols + c] });
  const size = o.size ?? 240;
  return Plot.plot({
    title: o.title,
    width: size + 60,
    height: size + 30,
    marginLeft: 30,
    padding: 0,
    x: { axis: cols > 8 ? 'top' : null, label: null, ticks: [] },
    y: { axis: rows > 8 ? 'left' : null, label: null, ticks: [] },
    color: {
      scheme: (o.scheme ?? 'viridis') as Plot.ColorScheme,
      domain: o.domain,
      legend: true,
      label: o.label,
    },
    marks: [
      Plot.cell(cells, { x: 'col', y: 'row', fill: 'value', inset: cols > 8 ? 0 : 1, tip: true }),
      o.labels
        ? Plot.text(cells, {
            x: 'col',
            y: 'row',
            text: (d: Cell) => d.value.toFixed(3),
            fill: 'white',
            stroke: 'black',
            strokeWidth: 2,
            paintOrder: 'stroke',
            fontSize: 14,
          })
        : null,
    ],
  });
}

/**
 * A `steps x steps` grid over `[-range, range]^2` (Li et al.'s 2-D plots): the values as an
 * interpolated raster on a log colour scale, with contour lines over it.
 */
export function contours(
  values: ArrayLike<number>,
  steps: number,
  range: number,
  o: { title: string; domain?: [number, number] },
): Element {
  const grid = { width: steps, height: steps, x1: -range, x2: range, y1: -range, y2: range };
  return Plot.plot({
    title: o.title,
    width: 320,
    height: 320,
    x: { label: 'α (direction 1)' },
    y: { label: 'β (direction 2)' },
    color: { type: 'log', scheme: 'turbo', domain: o.domain, legend: true, label: 'loss' },
    marks: [
      Plot.raster(Array.from(values), { ...grid, interpolate: 'barycentric' }),
      Plot.contour(Array.from(values), {
        ...grid,
        stroke: 'black',
        strokeOpacity: 0.4,
        thresholds: 10,
      }),
    ],
  });
}
