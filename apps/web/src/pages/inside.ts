import { contours, heatmap, lines, type Point } from '../lib/charts.js';
import type {
  ChannelFigure,
  LandscapeFigure,
  ModelSource,
  SkeletonFigure,
} from '../lib/inside-types.js';
import { explain } from '../lib/problems.js';
import { WorkerClient } from '../lib/rpc.js';
import { onModels, sessionModels } from '../lib/session-models.js';
import { h, problemBox, progressBar, replace } from '../lib/ui.js';

const worker = new WorkerClient(
  () => new Worker(new URL('../workers/inside.worker.ts', import.meta.url), { type: 'module' }),
);

const bundled = (name: string, label: string): ModelSource => ({
  kind: 'bundled',
  url: new URL(`models/${name}/model.json`, document.baseURI).href,
  label: `bundled ${label}`,
});

/** A Train-page model of this session when there is one, else the bundled one. */
function source(block: string, fallback: string, label: string): ModelSource {
  const m = sessionModels().get(block);
  return m
    ? { kind: 'session', files: m.training, label: `${label} trained on the Train page` }
    : bundled(fallback, label);
}

/** A Train-page model trained with any re-parameterizable block (ACB first), else the bundled ACB. */
function reparamSource(): ModelSource {
  const order = ['acb', 'repvgg', 'dbb', 'mobileone', 'refconv', 'wn', 'cwn', 'own'];
  const block = order.find((b) => sessionModels().has(b));
  return block ? source(block, 'acb', block.toUpperCase()) : bundled('acb', 'ACB');
}

/** Builds the Look inside page into `root`. */
export function insidePage(root: HTMLElement): void {
  const skeletonBox = h('section', { 'data-testid': 'figure-skeleton' });
  const channelBox = h('section', { 'data-testid': 'figure-channels' });
  const landscapeBox = h('section', { 'data-testid': 'figure-landscape' });
  const sources = h('p', { class: 'note', 'data-testid': 'sources' });
  const again = h(
    'button',
    { type: 'button', 'data-testid': 'recompute', onclick: () => void computeAll() },
    'Recompute',
  );

  async function figure<T>(
    box: HTMLElement,
    title: string,
    work: (bar: ReturnType<typeof progressBar>) => Promise<T>,
    draw: (r: T) => Node[],
  ): Promise<void> {
    const bar = progressBar();
    replace(box, h('h3', {}, title), bar.el);
    try {
      const r = await work(bar);
      replace(box, h('h3', {}, title), ...draw(r));
    } catch (e) {
      replace(box, h('h3', {}, title), problemBox(explain(e, title)));
    }
  }

  async function computeAll(): Promise<void> {
    again.disabled = true;
    const plain = source('conv', 'conv', 'Conv + BN');
    const acb = source('acb', 'acb', 'ACB');
    const refconv = source('refconv', 'refconv', 'RefConv');
    const reparam = reparamSource();
    replace(
      sources,
      `Models: ${plain.label}; ${acb.label}; ${refconv.label}; landscape: ${plain.label} vs ${reparam.label}.`,
    );
    await figure(
      skeletonBox,
      "ACNet's kernel skeleton: mean |kernel| per position of the 3x3 layers, normalised by each layer's largest position, averaged over layers",
      () => worker.call<SkeletonFigure>('skeleton', { plain, acb }),
      (r) => [
        h(
          'div',
          { class: 'row' },
          heatmap(r.plain.values, 3, 3, {
            title: `${plain.label} (${r.plain.layers} layers)`,
            label: 'mean |W|, normalised',
            labels: true,
            domain: [0, 1],
            scheme: 'blues',
          }),
          heatmap(r.acb.values, 3, 3, {
            title: `${acb.label}, after fusion (${r.acb.layers} layers)`,
            label: 'mean |W|, normalised',
            labels: true,
            domain: [0, 1],
            scheme: 'blues',
          }),
        ),
        h(
          'p',
          { class: 'note' },
          'ACNet (Ding et al., ICCV 2019) finds the middle row and column (the skeleton) stronger after training with asymmetric convolution blocks.',
        ),
      ],
    );
    await figure(
      channelBox,
      "RefConv's channel similarity: log10(1 + KL) between the first 64 channels of W_b and of W_t",
      () => worker.call<ChannelFigure>('channels', { refconv }),
      (r) => {
        const log = (v: Float64Array) => v.map((x) => Math.log10(1 + x));
        const [b, t] = [log(r.base.values), log(r.transformed.values)];
        const top = Math.max(...b, ...t);
        return [
          h(
            'div',
            { class: 'row' },
            heatmap(b, r.base.channels, r.base.channels, {
              title: `W_b (base), ${r.layer}`,
              label: 'log10(1 + KL)',
              domain: [0, top],
              size: 280,
            }),
            heatmap(t, r.transformed.channels, r.transformed.channels, {
              title: `W_t (refocused), ${r.layer}`,
              label: 'log10(1 + KL)',
              domain: [0, top],
              size: 280,
            }),
          ),
          h(
            'p',
            { class: 'note' },
            "Each output channel's kernel becomes a distribution by a softmax over its taps; entry (i, j) is KL(p_i || p_j). Larger values mean less similar, less redundant channels (Cai et al., 2023).",
          ),
        ];
      },
    );
    const steps1 = Number(new URLSearchParams(location.search).get('line')) || 21;
    const steps2 = Number(new URLSearchParams(location.search).get('plane')) || 11;
    await figure(
      landscapeBox,
      'Loss landscape along filter-normalised random directions (Li et al., NeurIPS 2018)',
      (bar) =>
        worker.call<LandscapeFigure>(
          'landscape',
          {
            plain,
            reparam,
            dataUrl: new URL('fashion-mnist/', document.baseURI).href,
            steps1,
            steps2,
          },
          { progress: (s, f) => bar.set(s, f) },
        ),
      (r) => {
        const line = (l: LandscapeFigure['plain']['line'], series: string): Point[] =>
          Array.from(l.axis, (x, i) => ({ x, y: l.loss[i], series }));
        const all = [...r.plain.plane.loss, ...r.reparam.plane.loss];
        const domain: [number, number] = [Math.min(...all), Math.max(...all)];
        return [
          h(
            'div',
            { class: 'row' },
            lines([...line(r.plain.line, plain.label), ...line(r.reparam.line, reparam.label)], {
              x: 'α',
              y: `loss on ${r.batch} test images`,
              width: 380,
              height: 300,
            }),
            contours(r.plain.plane.loss, r.plain.plane.axis.length, 1, {
              title: plain.label,
              domain,
            }),
            contours(r.reparam.plane.loss, r.reparam.plane.axis.length, 1, {
              title: reparam.label,
              domain,
            }),
          ),
          h(
            'p',
            { class: 'note' },
            'Both models in their deploy form (plain convs of the same architecture); biases and batch-norm parameters are not moved.',
          ),
        ];
      },
    );
    again.disabled = false;
  }

  replace(
    root,
    h('h2', {}, 'Look inside: the figures of the papers, computed here'),
    h(
      'p',
      { class: 'note' },
      'Computed in a Web Worker by @reparam/core and @reparam/tfjs from bundled models, or from the models you train on the Train page (then press Recompute).',
    ),
    h('p', {}, again, sources),
    skeletonBox,
    channelBox,
    landscapeBox,
  );
  onModels(() => (again.textContent = 'Recompute with the models trained on the Train page'));
  void computeAll();
}
