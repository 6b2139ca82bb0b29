import './style.css';
import { h, replace } from './lib/ui.js';

type PageId = 'convert' | 'train' | 'inside';
const pages: Record<PageId, () => Promise<(root: HTMLElement) => void>> = {
  convert: async () => (await import('./pages/convert.js')).convertPage,
  train: async () => (await import('./pages/train.js')).trainPage,
  inside: async () => (await import('./pages/inside.js')).insidePage,
};
const roots = new Map<PageId, HTMLElement>();
const app = document.getElementById('app')!;

function isolationNotice(): void {
  const box = document.getElementById('isolation')!;
  if (crossOriginIsolated) {
    replace(box);
    return;
  }
  replace(
    box,
    h(
      'div',
      { class: 'problem', role: 'alert', 'data-testid': 'not-isolated' },
      h('strong', {}, 'This page is not cross-origin isolated, so WebAssembly threads are off.'),
      h(
        'p',
        {},
        'Everything still works on one thread (conversion, training, figures); only the multi-thread latencies are missing. ',
        'To get threads, serve the app with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp, as `pnpm web` does.',
      ),
    ),
  );
}

async function show(id: PageId): Promise<void> {
  for (const [k, el] of roots) el.hidden = k !== id;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a'))
    a.classList.toggle('active', a.dataset.page === id);
  if (roots.has(id)) return;
  const root = h('section', { class: 'page', 'data-testid': `page-${id}` });
  roots.set(id, root);
  app.append(root);
  (await pages[id]())(root);
}

function route(): void {
  const id = location.hash.slice(1);
  void show(id === 'train' || id === 'inside' ? id : 'convert');
}

isolationNotice();
window.addEventListener('hashchange', route);
route();
