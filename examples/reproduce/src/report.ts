/** docs/results.md: the talk's tables, filled in from the per-run JSON files. */
import { markdownTable } from 'markdown-table';
import { verdict, type Row, type Stat } from './aggregate.js';
import { formatDuration } from './eta.js';
import type { FullSizeParams } from './full-size.js';
import { runsOn, type Method } from './methods.js';
import type { Protocol } from './protocol.js';
import { talkAblation, talkRefConvParams, talkTable } from './talk.js';

/** Everything the report shows besides the rows. */
export interface ReportInput {
  rows: Row[];
  methods: readonly Method[];
  protocol: Protocol;
  protocolId: string;
  /** Short names and descriptions of the networks that were run. */
  architectures: Record<string, { label: string; description: string }>;
  fullSize: FullSizeParams[];
  provenance: {
    date: string;
    cpus: string[];
    cores: number;
    node: string;
    load: [number, number];
    commits: string[];
    computeSeconds: number;
    cpuSeconds: number;
    sessionSeconds: number;
    runs: number;
    seeds: number;
  };
  figures: string[];
  /** Planned runs without a stored result: (network, method) and the seeds missing. */
  missing: Array<{ arch: string; method: string; seeds: number[] }>;
  notes: string;
}

/** Marks the hand-written part of results.md, kept when the report is regenerated. */
export const NOTES_MARKER =
  '<!-- notes: everything below is written by hand and kept when the report is regenerated -->';

const f = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const pm = (s: Stat, d = 2): string =>
  s.n > 1 ? `${f(s.mean, d)} ± ${f(s.std, d)}` : f(s.mean, d);
const signed = (v: number, d = 2): string => `${v >= 0 ? '+' : ''}${f(v, d)}`;
const mega = (v: number): string => f(v / 1e6, 2);
const mb = (v: number): string => f(v / 1e6, 1);
const ratio = (a: number, b: number): string => `${f(a / b, 2)}x`;

function find(rows: Row[], arch: string, method: string): Row | undefined {
  return rows.find((r) => r.arch === arch && r.method === method);
}

function label(methods: readonly Method[], id: string): string {
  return methods.find((m) => m.id === id)?.label ?? id;
}

function mainTable(i: ReportInput): string {
  const archs = tableArchs(i);
  const ids = i.methods.filter((m) => archs.some((a) => m.archs.includes(a))).map((m) => m.id);
  const head = [
    'Method',
    ...archs.flatMap((a) => [
      `${i.architectures[a].label}: top-1 % (Δ)`,
      'MMACs / image',
      'peak MB',
    ]),
  ];
  const body = ids.map((id) => [
    label(i.methods, id),
    ...archs.flatMap((a) => {
      const r = find(i.rows, a, id);
      const base = find(i.rows, a, 'conv');
      const optional = i.methods.find((m) => m.id === id)?.optionalArchs?.includes(a) === true;
      if (r === undefined || base === undefined)
        return [optional ? 'not run by default' : 'not run', '', ''];
      return [
        `${pm(r.top1)} (${signed(verdict(r, base).delta)})`,
        mega(r.trainingMacs),
        mb(r.peakMemoryBytes.mean),
      ];
    }),
  ]);
  return markdownTable([head, ...body], { align: ['l', ...archs.flatMap(() => ['r', 'r', 'r'])] });
}

/** The talk's two networks, those of them that were run. */
function tableArchs(i: ReportInput): Array<'resnet18' | 'mobilenetV2'> {
  return (['resnet18', 'mobilenetV2'] as const).filter((a) => a in i.architectures);
}

function talkShapeTable(i: ReportInput): string {
  const ids = Object.keys(talkTable.resnet18);
  const head = [
    'Method',
    'ResNet-18: top-1 % (Δ)',
    'FLOPs (G)',
    'Memory (G)',
    'MobileNetV2: top-1 % (Δ)',
    'FLOPs (G)',
    'Memory (G)',
  ];
  const body = ids.map((id) => [
    label(i.methods, id),
    ...(['resnet18', 'mobilenetV2'] as const).flatMap((a) => {
      const t = talkTable[a][id];
      return [
        `${f(t.top1)} (${signed(t.top1 - talkTable[a].conv.top1)})`,
        f(t.flops),
        f(t.memoryGb),
      ];
    }),
  ]);
  return markdownTable([head, ...body], { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r'] });
}

function againstTalk(i: ReportInput): string {
  const head = [
    'Method',
    'Network',
    'Δ top-1, talk',
    'Δ top-1, here',
    'within one std here',
    'direction',
  ];
  const body: string[][] = [];
  for (const a of tableArchs(i)) {
    const base = find(i.rows, a, 'conv');
    for (const m of i.methods.filter((x) => runsOn(x, a, true) && x.id !== 'conv')) {
      const r = find(i.rows, a, m.id);
      if (r === undefined || base === undefined) continue;
      const v = verdict(r, base);
      const t = talkTable[a][m.id];
      const talkDelta = t === undefined ? undefined : t.top1 - talkTable[a].conv.top1;
      const same = talkDelta !== undefined && Math.sign(v.delta) === Math.sign(talkDelta);
      const direction =
        talkDelta === undefined
          ? 'not in the talk'
          : v.withinOneStd === true
            ? `no evidence (within noise; ${same ? 'same' : 'opposite'} sign)`
            : `${same ? 'agrees' : 'disagrees'}${v.withinOneStd === undefined ? ' (one seed)' : ''}`;
      body.push([
        m.label,
        i.architectures[a].label,
        talkDelta === undefined ? '' : signed(talkDelta),
        signed(v.delta),
        v.withinOneStd === undefined ? 'one seed' : v.withinOneStd ? 'yes' : 'no',
        direction,
      ]);
    }
  }
  return markdownTable([head, ...body], { align: ['l', 'l', 'r', 'r', 'c', 'l'] });
}

function detailSection(i: ReportInput, arch: 'resnet18' | 'mobilenetV2'): string {
  if (!(arch in i.architectures)) return '';
  return `## Details: ${i.architectures[arch].label}\n\n${detailTables(i, arch)}\n\n`;
}

function detailTables(i: ReportInput, arch: string): string {
  const rows = i.rows.filter((r) => r.arch === arch);
  const base = find(i.rows, arch, arch === 'repvgg' ? 'repvgg-none' : 'conv');
  if (rows.length === 0 || base === undefined) return '_No runs._';
  const exact = markdownTable(
    [
      [
        'Method',
        'seeds',
        'training form top-1 %',
        'deploy form top-1 %',
        'max abs prob. difference',
        'differing predictions',
        'worst deviation / max abs output (probe)',
      ],
      ...rows.map((r) => [
        label(i.methods, r.method) + (r.diverged > 0 ? ` (${r.diverged} diverged)` : ''),
        r.seeds.join(', '),
        pm(r.top1),
        pm(r.deployTop1),
        r.maxProbabilityDifference.toExponential(1),
        String(r.differentPredictions),
        r.worstReparamDeviation.toExponential(1),
      ]),
    ],
    { align: ['l', 'c', 'r', 'r', 'r', 'r', 'r'] },
  );
  const cost = markdownTable(
    [
      [
        'Method',
        'epochs',
        'params training (trainable / frozen)',
        'params deploy',
        'MMACs / image training (x)',
        'deploy',
        'peak step MB (x)',
        'step CPU ms (x)',
        'training s (CPU s)',
        'latency batch 1, training / deploy ms',
        `images/s batch ${base.imagesPerSecond.batch}, training / deploy`,
      ],
      ...rows.map((r) => [
        label(i.methods, r.method),
        String(r.epochs),
        `${r.params.training.total} (${r.params.training.trainable} / ${r.params.training.frozen})`,
        String(r.params.deploy.total),
        `${mega(r.trainingMacs)} (${ratio(r.trainingMacs, base.trainingMacs)})`,
        mega(r.deployMacs),
        `${mb(r.peakMemoryBytes.mean)} (${ratio(r.peakMemoryBytes.mean, base.peakMemoryBytes.mean)})`,
        `${f(r.stepCpuMs.median, 0)} (${ratio(r.stepCpuMs.median, base.stepCpuMs.median)})`,
        `${pm(r.trainingSeconds, 0)} (${pm(r.trainingCpuSeconds, 0)})`,
        `${f(r.latencyBatch1.training.median)} / ${f(r.latencyBatch1.deploy.median)}`,
        `${f(r.imagesPerSecond.training.median, 0)} / ${f(r.imagesPerSecond.deploy.median, 0)}`,
      ]),
    ],
    { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] },
  );
  return `${exact}\n\n${cost}`;
}

function ablationTable(i: ReportInput): string {
  const combos = [
    ['repvgg-none', '', ''],
    ['repvgg-identity', '✓', ''],
    ['repvgg-pointwise', '', '✓'],
    ['repvgg-both', '✓', '✓'],
  ] as const;
  const base = find(i.rows, 'repvgg', 'repvgg-none');
  const head = [
    'identity',
    '1x1',
    'talk: top-1 %',
    'talk: images/s w/o re-param',
    'here: top-1 % (Δ)',
    `here: images/s w/o re-param`,
    'here: images/s deployed',
    'step CPU ms',
  ];
  const body = combos.map(([id, identity, pointwise]) => {
    const r = find(i.rows, 'repvgg', id);
    const t = talkAblation[id];
    if (r === undefined || base === undefined)
      return [identity, pointwise, f(t.top1), String(t.imagesPerSecond), 'not run', '', '', ''];
    return [
      identity,
      pointwise,
      f(t.top1),
      String(t.imagesPerSecond),
      `${pm(r.top1)} (${signed(verdict(r, base).delta)})`,
      pm(r.imagesPerSecond.training, 0),
      pm(r.imagesPerSecond.deploy, 0),
      f(r.stepCpuMs.median, 0),
    ];
  });
  return markdownTable([head, ...body], { align: ['c', 'c', 'r', 'r', 'r', 'r', 'r', 'r'] });
}

function refConvParamsTable(i: ReportInput): string {
  const head = [
    'Model (224x224, 1000 classes)',
    'talk: base -> RefConv (M)',
    'here, all tensors: base -> RefConv (M)',
    'here, learnable: base -> RefConv (M)',
    'RefConv frozen (M)',
  ];
  const body = i.fullSize.map((s) => {
    const t = talkRefConvParams[s.arch];
    const m = (v: number): string => f(v / 1e6, 2);
    return [
      s.label,
      `${f(t[0])} -> ${f(t[1])}`,
      `${m(s.base.total)} -> ${m(s.refconv.total)}`,
      `${m(s.base.trainable)} -> ${m(s.refconv.trainable)}`,
      m(s.refconv.frozen),
    ];
  });
  return markdownTable([head, ...body], { align: ['l', 'r', 'r', 'r', 'r'] });
}

/**
 * The opening warning of a report with missing runs: how many are done, what stretched them, and
 * which are missing (by network and method).
 */
function partialStatement(i: ReportInput): string {
  const v = i.provenance;
  const missing = i.missing.reduce((a, m) => a + m.seeds.length, 0);
  if (missing === 0) return '';
  const planned = v.runs + missing;
  const stretch = v.cpuSeconds > 0 ? v.computeSeconds / v.cpuSeconds : NaN;
  const list = i.missing
    .map(
      (m) => `${m.arch}/${m.method} (seed${m.seeds.length > 1 ? 's' : ''} ${m.seeds.join(', ')})`,
    )
    .join(', ');
  return `
> **Partial run: ${v.runs} of ${planned} runs done** (${f((100 * v.runs) / planned, 0)}%). The tables show the finished runs only; rows with fewer than ${v.seeds} seeds have no standard deviation yet. The runs were made on the ${v.cores}-core machine shared with other jobs (load average ${f(v.load[0], 1)}-${f(v.load[1], 1)} when they started), which stretched their wall time ${f(stretch, 1)}x over their CPU time. \`pnpm reproduce\` resumes from the stored runs.
>
> Missing: ${list}.
`;
}

/** The whole results.md. */
export function renderReport(i: ReportInput): string {
  const p = i.protocol;
  const v = i.provenance;
  return `# Reproducing the talk's tables on Fashion-MNIST

Generated by \`pnpm reproduce\` (examples/reproduce) from the ${v.runs} runs stored beside this file in
\`results/runs/${i.protocolId}/\`: ${v.seeds} seed${v.seeds > 1 ? 's' : ''} per method, mean ± sample standard deviation over seeds.
Last run ${v.date}; CPU ${v.cpus.join(', ')} (${v.cores} cores, shared with other jobs; load average ${f(v.load[0], 1)}-${f(v.load[1], 1)} while the runs started),
Node ${v.node}, tfjs-backend-wasm (one thread per worker process); commit${v.commits.length > 1 ? 's' : ''} ${v.commits.join(', ')}.
Total compute ${formatDuration(v.computeSeconds)} (sum of the runs' wall times; ${formatDuration(v.cpuSeconds)} of CPU time), ${v.sessionSeconds > 0 ? `${formatDuration(v.sessionSeconds)} of wall-clock time in finished sessions` : 'no finished session yet (a run in progress records its wall-clock time when it ends)'}.
${partialStatement(i)}
## Protocol

- Data: Fashion-MNIST from the \`fashion-mnist\` npm package, ${10 * p.trainPerClass} training and ${10 * p.testPerClass} test images (first ${p.trainPerClass} / last ${p.testPerClass} of each class), pixels / 255.
- Augmentation: random ${28}x${28} crop of the image zero-padded by ${p.augmentation.pad} pixels, ${p.augmentation.flip ? 'horizontal flip with probability 1/2' : 'no flip'}.
- Optimizer, the same for every method: SGD, momentum ${p.momentum}, batch ${p.batchSize}, learning rate ${p.learningRate} after a linear warm-up of ${p.warmupSteps} steps, cosine decay to 0, no weight decay, ${p.epochs} epoch${p.epochs > 1 ? 's' : ''} per stage; cross-entropy loss.
- Networks: ${Object.values(i.architectures)
    .map((a) => a.description)
    .join(
      '; ',
    )}. Every method puts its block at the KxK positions (K > 1) and leaves 1x1 convs as conv + BN; every method's deploy model must have the baseline's architecture (checked per run).
- RefConv refocuses the same seed's trained baseline (its KxK kernels frozen as W_b, W_r from zero, BN, 1x1 convs and classifier still training) for another ${p.epochs} epoch${p.epochs > 1 ? 's' : ''}: ${2 * p.epochs} epochs are counted. "Baseline, trained again" is its control: the same extra stage from the same baseline, without refocusing.
- Weight re-parameterizations (WN, CWN, OWN) replace the conv's kernel and keep its batch-norm. MobileOne uses k = 4 branches (its S0 setting) at KxK positions only.
- Measured per run: top-1 of the training form (inference mode) and of the re-parameterized deploy form on the whole test set; parameters; multiply-adds per image of one training-mode forward pass counted from the conv and matmul kernels tfjs runs (once-per-step kernel transforms divided by the batch); peak tfjs tensor bytes during a training step (\`tf.profile\`'s peakBytes: weights, optimizer state, activations kept for the backward pass); median step time and CPU time per step; inference latency of both forms, measured alternately.
- In the tables: accuracy and memory are means over seeds; timings (step CPU ms, latency, images/s) are medians over seeds, because a run made while the shared machine was loaded stretches its wall times several-fold; step CPU ms is the method's own stage's CPU time over its steps (load stretches it least).

## The talk's table, here

${mainTable(i)}

The talk's table (ImageNet, full-size networks, RefConv paper):

${talkShapeTable(i)}

## Against the talk

A difference is "within one std" when |Δ| is at most the larger standard deviation of the two rows: such a difference is not evidence either way.

${againstTalk(i)}

${detailSection(i, 'resnet18')}${detailSection(i, 'mobilenetV2')}${
    'repvgg' in i.architectures
      ? `## RepVGG ablation\n\n${ablationTable(i)}\n\n${detailTables(i, 'repvgg')}\n`
      : ''
  }
## RefConv's parameter column at full size

Counted from the tfjs builders at ImageNet size. "All tensors" includes batch-norm running statistics and RefConv's frozen base kernels W_b; "learnable" counts only what the optimizer updates.

${refConvParamsTable(i)}

## Figures

${i.figures.map((fig) => `![${fig}](results/${fig})`).join('\n\n')}

${NOTES_MARKER}
${i.notes.replace(/^\n+/, '\n')}`;
}
