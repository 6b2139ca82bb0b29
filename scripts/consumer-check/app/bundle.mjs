// Bundles page/ with Vite (dist-vite/; dist-vite-minify-esbuild/ with `minify: 'esbuild'`) and
// esbuild (dist-esbuild/), and with webpack 5
// (dist-webpack/) when given `webpack`, using the app's own installs. Any error or warning
// fails: a browser bundle of the packages must need no configuration and no Node shims.
import { cpSync, rmSync } from 'node:fs';

const problems = [];
const here = (path) => new URL(path, import.meta.url).pathname;

/** `minify: 'esbuild'`: what an app training on tfjs's threaded wasm backend sets (browser.mjs). */
async function viteBuild(outDir = 'dist-vite', minify = true) {
  const { build, createLogger } = await import('vite');
  const logger = createLogger('warn');
  for (const level of ['warn', 'warnOnce', 'error'])
    logger[level] = (message) => problems.push(`vite ${level}: ${message}`);
  await build({
    root: here('page'),
    base: './',
    logLevel: 'warn',
    customLogger: logger,
    build: { outDir: here(outDir), emptyOutDir: true, minify, chunkSizeWarningLimit: 1e6 },
  });
  console.log(`bundle: vite built ${outDir}/ (minify: ${minify})`);
}

async function esbuildBuild() {
  const { build } = await import('esbuild');
  rmSync(here('dist-esbuild'), { recursive: true, force: true });
  const result = await build({
    entryPoints: [here('page/main.js')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: here('dist-esbuild'),
    logLevel: 'silent',
  });
  for (const w of result.warnings)
    problems.push(`esbuild warning: ${w.text} (${w.location?.file})`);
  cpSync(here('page/index.html'), here('dist-esbuild/index.html'));
  console.log('bundle: esbuild built dist-esbuild/');
}

async function webpackBuild() {
  const { default: webpack } = await import('webpack');
  const stats = await new Promise((resolve, reject) =>
    webpack(
      {
        mode: 'production',
        entry: here('page/main.js'),
        output: { path: here('dist-webpack'), filename: 'main.js', clean: true },
        performance: { hints: false },
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  for (const e of info.errors) problems.push(`webpack error: ${e.message}`);
  for (const w of info.warnings) problems.push(`webpack warning: ${w.message}`);
  cpSync(here('page/index.html'), here('dist-webpack/index.html'));
  console.log('bundle: webpack built dist-webpack/');
}

try {
  await viteBuild();
  await viteBuild('dist-vite-minify-esbuild', 'esbuild');
  await esbuildBuild();
  if (process.argv.includes('webpack')) await webpackBuild();
} catch (e) {
  problems.push(`build failed: ${e.message}`);
}
for (const p of problems) console.error(`bundle: FAIL ${p.split('\n').slice(0, 6).join('\n  ')}`);
process.exit(problems.length > 0 ? 1 : 0);
