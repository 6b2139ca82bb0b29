/** The report's figures as SVG, drawn by Vega-Lite (compiled to Vega, rendered without a browser). */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Row } from './aggregate.js';
import type { RunResult } from './run.js';

async function render(spec: vega.Spec): Promise<vega.View> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  await view.runAsync();
  return view;
}

async function toSvg(spec: TopLevelSpec): Promise<string> {
  return (await render(compile(spec).spec)).toSVG();
}

interface Point {
  network: string;
  method: string;
  mean: number;
  low: number;
  high: number;
  seconds: number;
}

function points(
  rows: readonly Row[],
  labels: (arch: string, id: string) => string,
  archLabel: (a: string) => string,
): Point[] {
  return rows.map((r) => ({
    network: archLabel(r.arch),
    method: labels(r.arch, r.method),
    mean: r.top1.mean,
    low: r.top1.mean - r.top1.std,
    high: r.top1.mean + r.top1.std,
    seconds: r.trainingCpuSeconds.mean,
  }));
}

/**
 * Top-1 per method with ±1 std error bars and each seed's value, one panel per network; methods
 * in table order.
 */
export function accuracyFigure(
  rows: readonly Row[],
  runs: readonly RunResult[],
  labels: (arch: string, id: string) => string,
  archLabel: (a: string) => string,
): Promise<string> {
  const order = [...new Set(rows.map((r) => labels(r.arch, r.method)))];
  const seeds = runs
    .filter((r) => rows.some((x) => x.arch === r.arch && x.method === r.method))
    .map((r) => ({
      network: archLabel(r.arch),
      method: labels(r.arch, r.method),
      top1: 100 * r.accuracy.training,
    }));
  const x = {
    field: 'method',
    type: 'nominal',
    sort: order,
    title: null,
    axis: { labelAngle: -40, labelLimit: 200 },
  } as const;
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Test top-1 of the training form: mean ± 1 std over seeds (dots: seeds)',
    hconcat: [...new Set(rows.map((r) => archLabel(r.arch)))].map((network) => ({
      title: network,
      width: 24 * order.length,
      height: 220,
      layer: [
        {
          data: { values: seeds.filter((s) => s.network === network) },
          mark: { type: 'circle', size: 18, color: '#999' },
          encoding: {
            x,
            y: { field: 'top1', type: 'quantitative', scale: { zero: false }, title: 'top-1 %' },
          },
        },
        {
          data: { values: points(rows, labels, archLabel).filter((p) => p.network === network) },
          layer: [
            {
              mark: { type: 'errorbar', ticks: true },
              encoding: {
                x,
                y: { field: 'low', type: 'quantitative', title: 'top-1 %' },
                y2: { field: 'high' },
              },
            },
            {
              mark: { type: 'point', filled: true, size: 50, color: '#1f4e9c' },
              encoding: { x, y: { field: 'mean', type: 'quantitative' } },
            },
          ],
        },
      ],
    })),
  });
}

/**
 * Top-1 (±1 std) against the training CPU seconds counted for the method (wall time on a shared
 * machine follows its load), one panel per network.
 */
export async function costFigure(
  rows: readonly Row[],
  labels: (arch: string, id: string) => string,
  archLabel: (a: string) => string,
): Promise<string> {
  const data = points(rows, labels, archLabel);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title:
      'Top-1 against training cost (CPU seconds of training per run, RefConv with its baseline)',
    data: { values: data },
    facet: { field: 'network', type: 'nominal', title: null },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 440,
      height: 330,
      layer: [
        {
          mark: { type: 'rule' },
          encoding: {
            x: { field: 'seconds', type: 'quantitative', title: 'training CPU seconds' },
            y: { field: 'low', type: 'quantitative', scale: { zero: false }, title: 'top-1 %' },
            y2: { field: 'high' },
            color: { field: 'method', type: 'nominal', legend: null },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            x: { field: 'seconds', type: 'quantitative' },
            y: { field: 'mean', type: 'quantitative' },
            color: { field: 'method', type: 'nominal', title: 'method' },
          },
        },
        {
          name: POINT_LABELS,
          mark: { type: 'text', fontSize: 9, align: 'left', dx: 6 },
          encoding: {
            x: { field: 'seconds', type: 'quantitative' },
            y: { field: 'mean', type: 'quantitative' },
            text: { field: 'method' },
          },
        },
      ],
    },
  };
  // A label the placement cannot fit is hidden by Vega: then every label goes right of its point.
  const placed = await render(placeLabels(compile(spec).spec));
  if (hiddenLabels((placed.scenegraph() as unknown as { root: SceneNode }).root) === 0)
    return placed.toSVG();
  return toSvg(spec);
}

const POINT_LABELS = 'point_labels';
const ANCHORS = [
  'right',
  'left',
  'top',
  'bottom',
  'top-right',
  'bottom-right',
  'top-left',
  'bottom-left',
] as const;
/** Pixels between a point and its label, nearest first. */
const DISTANCES = [3, 12, 24];

/**
 * Moves each method's label to the first place around its point (right, left, above, below, then
 * the corners) where it overlaps no other label: Vega's label transform, over the points' marks.
 * Points are not avoided (that needs a canvas, which Node lacks), only other labels.
 */
function placeLabels(spec: vega.Spec): vega.Spec {
  const cells = (spec.marks ?? []).filter((m): m is vega.GroupMark => m.type === 'group');
  for (const cell of cells) {
    const marks = cell.marks ?? [];
    const text = marks.find((m) => m.name === `${POINT_LABELS}_marks`);
    const point = marks.find((m) => m.type === 'symbol');
    if (text === undefined || point?.name === undefined) continue;
    text.from = { data: point.name };
    text.encode = {
      update: {
        x: { field: 'x' },
        y: { field: 'y' },
        text: { field: 'datum.method' },
        fontSize: { value: 9 },
        fill: { value: 'black' },
      },
    };
    text.transform = [
      {
        type: 'label',
        size: { signal: '[child_width, child_height]' },
        // The eight places at each distance: far places are tried only when near ones are taken.
        anchor: DISTANCES.flatMap(() => ANCHORS),
        offset: DISTANCES.flatMap((d) => ANCHORS.map(() => d)),
        avoidBaseMark: false,
      },
    ];
  }
  return spec;
}

interface SceneNode {
  name?: string;
  opacity?: number;
  items?: SceneNode[];
}

/** Point labels the label transform left invisible, anywhere below `node`. */
function hiddenLabels(node: SceneNode): number {
  const here = node.name === `${POINT_LABELS}_marks` ? (node.items ?? []) : [];
  return (
    here.filter((item) => item.opacity === 0).length +
    (node.items ?? []).reduce((n, child) => n + hiddenLabels(child), 0)
  );
}
