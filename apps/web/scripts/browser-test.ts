// The web app in a real browser: serves the BUILT app (dist/, `pnpm web:build`) with vite's
// preview server, cross-origin isolated (COOP/COEP), and drives Debian's Chromium with
// playwright-core through the three pages:
//  - Convert: the bundled DBB sample; every number shown is checked against @reparam/onnx run
//    here in Node on the same file; a file that is not ONNX and a model the converter refuses
//    show a message and the page keeps working.
//  - Train: a few steps on Fashion-MNIST, then re-parameterize.
//  - Look inside: the three figures render.
//  - The same build served without the headers shows the not-isolated notice and still converts.
// Any page error or console error fails the run. Screenshots go to apps/web/screenshots/.
//   pnpm --filter @reparam/web test:browser     (CHROMIUM=/path overrides /usr/bin/chromium)
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { convertModel, decodeModel, encodeModel, parseModel, serializeModel } from '@reparam/onnx';
import { isolationHeaders } from '../vite.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const shots = `${root}screenshots/`;
mkdirSync(shots, { recursive: true });

let failures = 0;
let passes = 0;
function check(ok: boolean, what: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (ok) passes++;
  else failures++;
}

async function serve(
  headers: Record<string, string>,
): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({
    root,
    configFile: false, // only the headers given here
    logLevel: 'warn',
    preview: { port: 0, host: '127.0.0.1', headers, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('browser-test: the preview server has no URL');
  return { server, url };
}

const text = async (page: Page, id: string) =>
  (await page.getByTestId(id).first().textContent())?.trim() ?? '';
const num = (s: string) => Number(s.replace(/[^0-9.eE+-]/g, ''));

// What @reparam/onnx says about the DBB sample, computed here in Node.
const dbbBytes = new Uint8Array(readFileSync(`${root}public/samples/dbb.onnx`));
const dbb = parseModel(dbbBytes);
const expected = await convertModel(dbb);
const expectedBytes = serializeModel(expected.model).byteLength;
const params = (m: typeof dbb) =>
  m.graph!.initializer.reduce((n, t) => n + t.dims.reduce((a, b) => a * Number(b), 1), 0);
let macs = [0, 0];
for (const r of expected.report.regions)
  for (const s of r.segments)
    if (s.before && s.after) macs = [macs[0] + s.before.macs, macs[1] + s.after.macs];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
  ],
});
const isolated = await serve(isolationHeaders);
const plain = await serve({});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });

  // --- Convert ---------------------------------------------------------------------------
  await page.goto(`${isolated.url}?steps=6&line=5&plane=3#convert`);
  check(await page.evaluate(() => crossOriginIsolated), 'the page is cross-origin isolated');
  await page.locator('[data-sample=dbb]').click();
  await page.getByTestId('convert-done').waitFor({ timeout: 300_000 });
  const r = expected.report;
  check(num(await text(page, 'nodes-before')) === r.nodesBefore, `nodes before: ${r.nodesBefore}`);
  check(num(await text(page, 'nodes-after')) === r.nodesAfter, `nodes after: ${r.nodesAfter}`);
  check(
    num(await text(page, 'params-before')) === params(dbb),
    `parameters before: ${params(dbb)}`,
  );
  check(
    num(await text(page, 'params-after')) === params(expected.model),
    `parameters after: ${params(expected.model)}`,
  );
  check(num(await text(page, 'macs-before')) === macs[0], `multiply-adds before: ${macs[0]}`);
  check(num(await text(page, 'macs-after')) === macs[1], `multiply-adds after: ${macs[1]}`);
  check(
    (await text(page, 'bytes-after')).length > 0,
    `deploy file size shown (Node: ${expectedBytes} bytes)`,
  );
  const shown = num(await text(page, 'verify-relative'));
  const worst = r.verification!.worst.relative;
  check(
    Math.abs(shown - worst) <= 0.01 * worst + 1e-9,
    `verification: page ${shown}, Node ${worst.toExponential(2)}`,
  );
  const opRows = await page.getByTestId('ops').locator('tbody tr').allTextContents();
  const ops = new Set(Object.keys({ ...r.opsBefore, ...r.opsAfter }));
  check(opRows.length === ops.size, `op table: ${opRows.length} rows, Node ${ops.size} op types`);
  for (const op of ['Conv', 'BatchNormalization', 'ScatterND']) {
    const row = opRows.find((t) => t.startsWith(op)) ?? '';
    check(row === `${op}${r.opsBefore[op] ?? 0}${r.opsAfter[op] ?? 0}`, `op table ${op}: ${row}`);
  }
  const regionRows = await page.getByTestId('regions').locator('tbody tr').count();
  check(regionRows === r.regions.length, `regions: ${regionRows}, Node ${r.regions.length}`);
  const latency = await page.getByTestId('latency-table').locator('tbody tr').allTextContents();
  console.log(`     latency rows: ${latency.join(' | ')}`);
  check(latency.length >= 2 && latency.some((t) => /ms.*ms/.test(t)), 'latency measured');
  check((await page.getByTestId('latency').locator('svg').count()) > 0, 'latency chart drawn');
  const wasmRows = latency.filter((t) => t.startsWith('@reparam/wasm'));
  check(
    wasmRows.length > 0 &&
      wasmRows.every((t) => /runs deploy graphs; this one has \d+ nodes .*\d ms$/.test(t)),
    'wasm rows: the training form refused in one line, the deploy form timed',
  );
  await page.screenshot({ path: `${shots}convert.png`, fullPage: true });

  // Bad input: not ONNX, then a model the converter refuses; the page keeps working.
  await page.getByTestId('file-input').setInputFiles({
    name: 'notes.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('this is not a model'),
  });
  await page.getByTestId('problem').waitFor({ timeout: 60_000 });
  check(
    /not an ONNX model/.test(await text(page, 'problem')),
    `not ONNX: "${(await text(page, 'problem')).slice(0, 90)}"`,
  );
  const looping = decodeModel(dbbBytes);
  looping.graph!.node[looping.graph!.node.length - 1].opType = 'Loop';
  await page.getByTestId('file-input').setInputFiles({
    name: 'loop.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(encodeModel(looping)),
  });
  await page.getByTestId('problem').getByText('refuses').waitFor({ timeout: 60_000 });
  check(
    /loops.*refused/.test(await text(page, 'problem')),
    `refused model: "${(await text(page, 'problem')).slice(0, 120)}"`,
  );
  await page.locator('[data-sample=repvgg]').click();
  await page.getByTestId('convert-done').waitFor({ timeout: 300_000 });
  check(true, 'the page still converts after bad input');

  // --- Look inside -----------------------------------------------------------------------
  await page.locator('nav a[data-page=inside]').click();
  for (const id of ['figure-skeleton', 'figure-channels', 'figure-landscape']) {
    const figure = page.getByTestId(id);
    await figure.locator('svg, [data-testid=problem]').first().waitFor({ timeout: 300_000 });
    const problem = figure.getByTestId('problem');
    const why = (await problem.count()) > 0 ? `: ${await problem.textContent()}` : '';
    check(why === '', `${id} rendered${why}`);
  }
  await page.screenshot({ path: `${shots}inside.png`, fullPage: true });

  // --- Train -----------------------------------------------------------------------------
  await page.locator('nav a[data-page=train]').click();
  await page.getByTestId('block').selectOption('acb');
  await page.getByTestId('width').selectOption('8');
  await page.getByTestId('train').click();
  await page.getByTestId('train-done').waitFor({ timeout: 300_000 });
  await page.getByTestId('reparameterize').click();
  await page.getByTestId('reparam-table').waitFor({ timeout: 300_000 });
  const deviation = await text(page, 'deviation');
  const dev = Number(/deviation: ([0-9.e+-]+)/.exec(deviation)?.[1]);
  check(dev < 1e-4, `worst block deviation ${dev} < 1e-4`);
  check(
    /^\d+ of \d+$/.test(await text(page, 'differing')),
    `predictions differing: ${await text(page, 'differing')}`,
  );
  check(
    (await page.getByTestId('image-grid').locator('canvas').count()) === 24,
    'prediction grid of 24 images',
  );
  await page.screenshot({ path: `${shots}train.png`, fullPage: true });

  // The figures again, from the model just trained (ACB) where the page has one.
  await page.locator('nav a[data-page=inside]').click();
  await page.getByTestId('recompute').click();
  await page
    .getByTestId('sources')
    .getByText('trained on the Train page')
    .first()
    .waitFor({ timeout: 60_000 });
  await page.getByTestId('recompute').and(page.locator(':enabled')).waitFor({ timeout: 300_000 });
  const problems = await page.getByTestId('page-inside').getByTestId('problem').count();
  check(
    problems === 0,
    `the figures from the Train page's ACB model rendered (${await text(page, 'sources')})`,
  );

  // --- Without cross-origin isolation ----------------------------------------------------
  const bare = await browser.newPage();
  bare.on('pageerror', (e) => errors.push(`page error (not isolated): ${String(e)}`));
  bare.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error (not isolated): ${m.text()}`);
  });
  await bare.goto(`${plain.url}#convert`);
  await bare.getByTestId('not-isolated').waitFor({ timeout: 30_000 });
  await bare.locator('[data-sample=mobileone]').click();
  await bare.getByTestId('convert-done').waitFor({ timeout: 300_000 });
  check(
    true,
    'without cross-origin isolation: the notice shows and conversion works on one thread',
  );

  check(
    errors.length === 0,
    `no page or console errors${errors.length ? `: ${errors.join('; ')}` : ''}`,
  );
} catch (e) {
  check(false, `browser-test: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await browser.close();
  await isolated.server.close();
  await plain.server.close();
}
console.log(`screenshots in ${shots}`);
console.log(`browser-test: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
