// Install size (node_modules, bytes on disk) of an app that uses only core, only the CLI, and
// everything (the packages plus the app's tfjs and onnxruntime-web).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function installSizes(work, tarballs, appDeps, npmInstall) {
  const byName = new Map(tarballs.map((t) => [t.name, t]));
  // A package's own @reparam dependencies come as tarballs too (they are not on the registry).
  const withOwn = (name, seen = new Set()) => {
    if (seen.has(name) || !byName.has(name)) return seen;
    seen.add(name);
    for (const dep of byName.get(name).dependencies) withOwn(dep, seen);
    return seen;
  };
  const files = (name) => [...withOwn(name)].map((n) => byName.get(n).file);
  const apps = {
    'only @reparam/core': files('@reparam/core'),
    'only @reparam/cli': files('@reparam/cli'),
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
