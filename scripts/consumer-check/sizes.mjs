// Install size (node_modules, bytes on disk) of an app that uses only core, only the CLI, and
// everything (the packages plus the app's tfjs and onnxruntime-web).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function installSizes(work, tarballs, appDeps, npmInstall) {
  const file = (name) => tarballs.find((t) => t.name === name).file;
  const apps = {
    'only @reparam/core': [file('@reparam/core')],
    // The CLI's own @reparam dependencies come as tarballs too (they are not on the registry).
    'only @reparam/cli': ['@reparam/cli', '@reparam/onnx', '@reparam/core'].map(file),
    everything: [
      ...tarballs.map((t) => t.file),
      ...Object.entries(appDeps).map(([n, v]) => `${n}@${v}`),
    ],
  };
  for (const [label, specs] of Object.entries(apps)) {
    const dir = join(work, `size-${label.replace(/\W+/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    const manifest = { name: 'size', private: true, type: 'module' };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
    npmInstall(dir, specs);
    const du = execFileSync('du', ['-sb', 'node_modules'], { cwd: dir }).toString();
    const ls = execFileSync('npm', ['ls', '--all', '--parseable'], { cwd: dir }).toString();
    const packages = ls.trim().split('\n').length - 1;
    const megabytes = (Number(du.split('\t')[0]) / 1e6).toFixed(1);
    console.log(`sizes: ${label}: ${megabytes} MB in node_modules, ${packages} packages`);
  }
}
