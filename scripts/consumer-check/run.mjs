#!/usr/bin/env node
// The consumer check: the packages as npm users get them. Builds and packs every publishable
// package, checks each tarball, installs them with plain npm into an app outside the workspace
// next to a different tfjs than the workspace's, then runs the app's Node script, the CLI,
// TypeScript (nodenext and bundler), Vite and esbuild bundles, and both pages in Chromium.
//   node scripts/consumer-check/run.mjs [--tfjs=4.21.0] [--webpack] [--sizes] [--keep]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTarballs, packAll } from './pack.mjs';
import { installSizes } from './sizes.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const TFJS = option('tfjs', '4.21.0');
/** What the app installs besides the tarballs (exact versions: the check must be repeatable). */
const APP_DEPS = {
  '@tensorflow/tfjs': TFJS,
  '@tensorflow/tfjs-backend-wasm': TFJS,
  'onnxruntime-web': '1.30.0',
};
const TOOLS = {
  vite: '8.3.8',
  esbuild: '0.28.2',
  typescript: '6.0.3',
  '@types/node': '20.19.43',
  'playwright-core': '1.65.1',
  ...(args.includes('--webpack') ? { webpack: '5.113.0' } : {}),
};

const root = new URL('../..', import.meta.url).pathname;
const started = Date.now();
const step = (what) =>
  console.log(`\nconsumer-check: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
const run = (cmd, argv, options = {}) => execFileSync(cmd, argv, { stdio: 'inherit', ...options });
const npmInstall = (dir, specs) =>
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: dir });

const work = mkdtempSync(join(tmpdir(), 'reparam-consumer-'));
const app = join(work, 'app');
try {
  step('build and pack');
  const tarballs = packAll(root, join(work, 'tarballs'));
  checkTarballs(tarballs);

  step(
    `install the tarballs with npm next to @tensorflow/tfjs@${TFJS}, outside the workspace (${app})`,
  );
  cpSync(new URL('./app', import.meta.url), app, { recursive: true });
  mkdirSync(join(app, 'fixtures'));
  cpSync(join(root, 'packages/onnx/fixtures/repvgg_bn.onnx'), join(app, 'fixtures/repvgg_bn.onnx'));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  const specs = Object.entries({ ...APP_DEPS, ...TOOLS }).map(([n, v]) => `${n}@${v}`);
  npmInstall(app, [...tarballs.map((t) => t.file), ...specs]);
  const cores = execFileSync(
    'find',
    ['node_modules', '-type', 'd', '-path', '*/@tensorflow/tfjs-core'],
    { cwd: app },
  )
    .toString()
    .trim()
    .split('\n');
  if (cores.length !== 1)
    throw new Error(
      `consumer-check: ${cores.length} copies of tfjs-core installed: ${cores.join(', ')}`,
    );
  // npm only warns about an optional peer that rejects the app's version; npm ls says "invalid".
  try {
    execFileSync('npm', ['ls', '--all'], { cwd: app, stdio: 'pipe' });
  } catch (e) {
    const invalid = e.stdout
      .toString()
      .split('\n')
      .filter((l) => /invalid|missing/.test(l));
    throw new Error(`consumer-check: npm ls finds unmet dependencies:\n${invalid.join('\n')}`);
  }

  step(
    "ESM Node script: core, tfjs (the app's tf.input, one training step, reparameterize), wasm, onnx",
  );
  run('node', ['node-check.mjs'], { cwd: app, env: { ...process.env, EXPECTED_TFJS: TFJS } });

  step('CommonJS: require() works through require(esm); without it, one line says how to import');
  for (const t of tarballs) {
    const name = t.name;
    run(
      'node',
      [
        '-e',
        `const m = require('${name}'); if (Object.keys(m).length === 0) process.exit(1); console.log('require: ok  ${name}')`,
      ],
      { cwd: app },
    );
    let message = '';
    try {
      execFileSync('node', ['--no-experimental-require-module', '-e', `require('${name}')`], {
        cwd: app,
        stdio: 'pipe',
      });
    } catch (e) {
      message = e.stderr.toString();
    }
    const line = message.split('\n').find((l) => l.startsWith('Error: '));
    if (
      line === undefined ||
      !line.includes(`${name} is an ES module`) ||
      !line.includes(`await import('${name}')`)
    )
      throw new Error(
        `consumer-check: require('${name}') on a Node without require(esm) should say it is ESM-only, got:\n${message}`,
      );
    console.log(`require: ok  ${line}`);
  }

  step('CLI: npx reparam --version, then a conversion');
  const version = execFileSync('npx', ['reparam', '--version'], { cwd: app }).toString().trim();
  const cli = tarballs.find((t) => t.name === '@reparam/cli');
  if (version !== cli.version)
    throw new Error(`consumer-check: reparam --version printed '${version}', not ${cli.version}`);
  console.log(`cli: ok  reparam --version: ${version}`);
  run('npx', ['reparam', 'convert', 'fixtures/repvgg_bn.onnx', '-o', 'repvgg_deploy.onnx'], {
    cwd: app,
  });

  step('TypeScript: moduleResolution nodenext and bundler (skipLibCheck)');
  for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    run('npx', ['tsc', '-p', config], { cwd: app });
    console.log(`typescript: ok  ${config}`);
  }

  step(
    `bundles: Vite and esbuild${args.includes('--webpack') ? ' and webpack' : ''}, no error, no warning`,
  );
  run('node', ['bundle.mjs', ...(args.includes('--webpack') ? ['webpack'] : [])], { cwd: app });

  step('Chromium: the pages on a cross-origin-isolated server, and once without COOP/COEP');
  run(
    'node',
    [
      'browser.mjs',
      'vite',
      'vite-minify-esbuild',
      'esbuild',
      ...(args.includes('--webpack') ? ['webpack'] : []),
    ],
    { cwd: app },
  );

  step('parse-only app: @reparam/onnx without onnxruntime-web');
  const bare = join(work, 'bare');
  mkdirSync(join(bare, 'fixtures'), { recursive: true });
  cpSync(join(app, 'parse-only.mjs'), join(bare, 'parse-only.mjs'));
  cpSync(join(app, 'fixtures'), join(bare, 'fixtures'), { recursive: true });
  writeFileSync(
    join(bare, 'package.json'),
    JSON.stringify({ name: 'bare', private: true, type: 'module' }),
  );
  npmInstall(
    bare,
    tarballs.filter((t) => ['@reparam/core', '@reparam/onnx'].includes(t.name)).map((t) => t.file),
  );
  run('node', ['parse-only.mjs'], { cwd: bare });

  if (args.includes('--sizes')) {
    step('install sizes');
    installSizes(work, tarballs, APP_DEPS, npmInstall);
  }
  step('passed');
  if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
} catch (e) {
  console.error(`\nconsumer-check: FAILED (the app is kept in ${app})\n${e.message}`);
  process.exit(1);
}
