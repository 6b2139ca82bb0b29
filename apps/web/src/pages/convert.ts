import type { ConversionReport } from '@reparam/onnx';
import { groupedBars, type Bar } from '../lib/charts.js';
import type { ConvertResult, LatencyRow, Timing } from '../lib/convert-types.js';
import { explain, MAX_FILE_BYTES } from '../lib/problems.js';
import { Cancelled, WorkerClient } from '../lib/rpc.js';
import {
  bytes,
  count,
  download,
  h,
  ms,
  problemBox,
  progressBar,
  replace,
  table,
} from '../lib/ui.js';

/** The bundled training-form samples (apps/web/samples/generate.py). */
export const samples = ['repvgg', 'acb', 'dbb', 'refconv', 'mobileone'] as const;
const sampleNames: Record<(typeof samples)[number], string> = {
  repvgg: 'RepVGG',
  acb: 'ACB',
  dbb: 'DBB',
  refconv: 'RefConv',
  mobileone: 'MobileOne',
};

const converter = new WorkerClient(
  () => new Worker(new URL('../workers/convert.worker.ts', import.meta.url), { type: 'module' }),
);

function threadCounts(): number[] {
  const n = Math.min(navigator.hardwareConcurrency || 1, 4);
  return crossOriginIsolated && n > 1 ? [1, n] : [1];
}

const timingText = (t: Timing): string => ('ms' in t ? ms(t.ms) : `not run: ${t.error}`);

/** Builds the Convert page into `root`. */
export function convertPage(root: HTMLElement): void {
  const status = h('div', { class: 'status' });
  const results = h('div', { class: 'results', 'data-testid': 'convert-results' });
  let busy = false;
  const progress = progressBar(() => converter.cancel());

  async function run(name: string, load: () => Promise<Uint8Array>): Promise<void> {
    if (busy) return;
    busy = true;
    replace(results);
    replace(status, progress.el);
    progress.set('read', 0);
    try {
      const input = await load();
      const copy = input.slice();
      const done = await converter.call<ConvertResult>(
        'convert',
        { bytes: input, name },
        { transfer: [input.buffer], progress: (s, f) => progress.set(s, f) },
      );
      showConversion(done);
      progress.set('latency', 0);
      const rows: LatencyRow[] = [];
      const configs = (['onnxruntime-web', '@reparam/wasm'] as const).flatMap((runtime) =>
        threadCounts().map((threads) => ({ runtime, threads })),
      );
      for (const [i, c] of configs.entries()) {
        progress.set(`latency: ${c.runtime}, ${c.threads} thread(s)`, i / configs.length);
        rows.push(await measure(c.runtime, c.threads, copy, done.deploy));
        showLatency(rows);
      }
      replace(
        status,
        h(
          'p',
          { class: 'ok', 'data-testid': 'convert-done' },
          `Done: ${name} converted, verified and timed.`,
        ),
      );
    } catch (e) {
      if (e instanceof Cancelled)
        replace(status, h('p', {}, 'Cancelled. Pick a model to start again.'));
      else replace(status, problemBox(explain(e, `Converting ${name}`)));
    } finally {
      busy = false;
    }
  }

  async function measure(
    runtime: LatencyRow['runtime'],
    threads: number,
    training: Uint8Array,
    deploy: Uint8Array,
  ): Promise<LatencyRow> {
    const client = new WorkerClient(
      () =>
        new Worker(new URL('../workers/latency.worker.ts', import.meta.url), { type: 'module' }),
    );
    try {
      return await client.call<LatencyRow>('measure', {
        runtime,
        threads,
        training: training.slice(),
        deploy: deploy.slice(),
      });
    } catch (e) {
      const error = { error: e instanceof Error ? e.message : String(e) };
      return { runtime, threads, training: error, deploy: error };
    } finally {
      client.cancel();
    }
  }

  const latencyBox = h('section', { 'data-testid': 'latency' });

  function showConversion({ summary: s, report, deploy }: ConvertResult): void {
    const pair = (
      k: string,
      [a, b]: readonly [number, number],
      f: (n: number) => string,
      id: string,
    ) => [
      k,
      h('span', { 'data-testid': `${id}-before` }, f(a)),
      h('span', { 'data-testid': `${id}-after` }, f(b)),
    ];
    const v = report.verification;
    replace(
      results,
      h(
        'h2',
        {},
        `${s.name}: ${report.regions.filter((r) => r.status !== 'kept').length} of ${report.regions.length} regions collapsed`,
      ),
      h(
        'div',
        { class: 'downloads' },
        h(
          'button',
          { type: 'button', onclick: () => download(deployName(s.name), deploy) },
          'Download deploy model (.onnx)',
        ),
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              download(
                `${s.name.replace(/\.onnx$/, '')}.report.json`,
                JSON.stringify({ summary: s, report, latency: lastLatency }, null, 2),
                'application/json',
              ),
          },
          'Download report (.json)',
        ),
      ),
      table(
        ['', 'training form', 'deploy form'],
        [
          pair('nodes', s.nodes, count, 'nodes'),
          pair('parameters', s.params, count, 'params'),
          pair('multiply-adds in the re-parameterized regions', s.macs, count, 'macs'),
          pair('file size', s.bytes, bytes, 'bytes'),
        ],
        'summary',
      ),
      h(
        'p',
        { 'data-testid': 'verification' },
        v
          ? `Verified with onnxruntime-web on 2 seeded random inputs of shape [${s.inputShape.join(', ')}]: worst output '${v.worst.name}' differs by `
          : 'Not verified.',
        v
          ? h('strong', { 'data-testid': 'verify-relative' }, v.worst.relative.toExponential(2))
          : null,
        v ? ` x max|y| (tolerance ${v.tolerance}). Conversion took ${ms(s.millis)}.` : null,
      ),
      latencyBox,
      h('h3', {}, 'Op counts'),
      table(
        ['op type', 'before', 'after'],
        s.ops.map(([op, a, b]) => [op, a, b]),
        'ops',
      ),
      h('h3', {}, 'Regions'),
      regionsTable(report),
    );
  }

  let lastLatency: LatencyRow[] = [];
  function showLatency(rows: LatencyRow[]): void {
    lastLatency = rows;
    const bars: Bar[] = rows.flatMap((r) =>
      (['training', 'deploy'] as const).flatMap((form) => {
        const t = r[form];
        return 'ms' in t
          ? [{ group: `${r.runtime} ${r.threads}T`, series: `${form} form`, value: t.ms }]
          : [];
      }),
    );
    replace(
      latencyBox,
      h('h3', {}, 'Latency (batch 1, median)'),
      bars.length > 0 ? groupedBars(bars, 'ms per run') : null,
      table(
        ['runtime', 'threads', 'training form', 'deploy form'],
        rows.map((r) => [r.runtime, r.threads, timingText(r.training), timingText(r.deploy)]),
        'latency-table',
      ),
    );
  }

  const fileInput = h('input', {
    type: 'file',
    accept: '.onnx',
    'data-testid': 'file-input',
    onchange: () => {
      const f = fileInput.files?.[0];
      if (f) void openFile(f);
      fileInput.value = '';
    },
  });

  function openFile(f: File): Promise<void> {
    if (f.size > MAX_FILE_BYTES) {
      replace(
        status,
        problemBox({
          title: `${f.name} is too large for the browser (${bytes(f.size)})`,
          detail: `The page converts models up to ${bytes(MAX_FILE_BYTES)}: a conversion keeps several copies of the model and every intermediate tensor of one run in memory.`,
          todo: 'Convert it on the command line: `pnpm reparam convert IN.onnx -o OUT.onnx`.',
        }),
      );
      return Promise.resolve();
    }
    return run(f.name, async () => new Uint8Array(await f.arrayBuffer()));
  }

  const drop = h(
    'div',
    { class: 'drop', 'data-testid': 'drop' },
    h(
      'p',
      {},
      'Drop a training-form .onnx model here, or ',
      h('label', {}, 'open one', fileInput),
      '.',
    ),
  );
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void openFile(f);
  });

  replace(
    root,
    h('h2', {}, 'Convert a training-form ONNX model'),
    h(
      'p',
      { class: 'privacy' },
      'Your model never leaves this machine: it is read, converted, verified and timed in this tab, in Web Workers. Nothing is uploaded.',
    ),
    drop,
    h(
      'p',
      { class: 'samples' },
      'Or a bundled sample: ',
      ...samples.map((s) =>
        h(
          'button',
          {
            type: 'button',
            'data-sample': s,
            onclick: () => void run(`${s}.onnx`, () => fetchSample(s)),
          },
          sampleNames[s],
        ),
      ),
    ),
    status,
    results,
  );
}

async function fetchSample(name: string): Promise<Uint8Array> {
  const r = await fetch(new URL(`samples/${name}.onnx`, document.baseURI));
  if (!r.ok) throw new Error(`sample ${name}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

const deployName = (name: string): string => `${name.replace(/\.onnx$/, '')}.deploy.onnx`;

function regionsTable(report: ConversionReport): HTMLElement {
  return table(
    ['#', 'block', 'status', 'nodes', 'result'],
    report.regions.map((r) => [
      r.id,
      r.kind,
      r.status,
      r.nodes.length,
      r.segments
        .map((s) =>
          s.collapsed ? `one conv [${(s.kernel ?? []).join('x')}]` : `kept: ${s.reason ?? ''}`,
        )
        .join('; '),
    ]),
    'regions',
  );
}
