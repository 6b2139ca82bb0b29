/** Small DOM helpers: the app has no framework, only these. */

type Child = Node | string | number | null | undefined | false;

/** Creates an element with attributes (`on*` functions become listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | ((e: Event) => void) | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, ...children);
  return el;
}

/** Appends children, skipping empty ones. */
export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** A table from a header row and body rows. */
export function table(
  head: readonly string[],
  rows: readonly Child[][],
  testid?: string,
): HTMLTableElement {
  return h(
    'table',
    { 'data-testid': testid },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}

/** An error as the page shows it: what happened, and what to do. */
export interface Problem {
  readonly title: string;
  readonly detail: string;
  readonly todo: string;
}

/** A message box for a {@link Problem}; the page keeps working around it. */
export function problemBox(p: Problem): HTMLElement {
  return h(
    'div',
    { class: 'problem', role: 'alert', 'data-testid': 'problem' },
    h('strong', {}, p.title),
    h('p', {}, p.detail),
    h('p', { class: 'todo' }, p.todo),
  );
}

/** A progress bar with a stage label and an optional cancel button. */
export function progressBar(onCancel?: () => void): {
  el: HTMLElement;
  set(stage: string, fraction: number): void;
} {
  const bar = h('progress', { max: 1, value: 0 });
  const label = h('span', { class: 'stage' }, '');
  const cancel = onCancel ? h('button', { type: 'button', onclick: onCancel }, 'Cancel') : null;
  const el = h('div', { class: 'progress', 'data-testid': 'progress' }, bar, label, cancel);
  return {
    el,
    set(stage, fraction) {
      bar.value = Math.max(0, Math.min(1, fraction));
      label.textContent = `${stage} ${Math.round(bar.value * 100)}%`;
    },
  };
}

/** `1234567` -> `1,234,567`. */
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Bytes as KB / MB with one decimal. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Milliseconds: two decimals below 10 ms, seconds above 10 s. */
export const ms = (v: number): string =>
  v < 10 ? `${v.toFixed(2)} ms` : v < 10_000 ? `${v.toFixed(1)} ms` : `${(v / 1000).toFixed(1)} s`;

/** Offers bytes or text as a file download. */
export function download(
  name: string,
  data: string | ArrayBuffer | Uint8Array,
  type = 'application/octet-stream',
): void {
  const part = data instanceof Uint8Array ? data.slice() : data;
  const url = URL.createObjectURL(new Blob([part], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
