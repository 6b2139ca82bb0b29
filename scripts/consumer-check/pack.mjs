// Builds the workspace, packs every publishable package (pnpm pack: workspace: and catalog:
// become versions), and checks each tarball's contents and metadata.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Packs every non-private package of packages/ into `out`: name, version, dependency names, file, size. */
export function packAll(root, out) {
  execFileSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  mkdirSync(out, { recursive: true });
  const tarballs = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    const before = new Set(readdirSync(out));
    execFileSync('pnpm', ['pack', '--pack-destination', out], {
      cwd: join(root, 'packages', dir),
      stdio: 'pipe',
    });
    const file = join(
      out,
      readdirSync(out).find((f) => !before.has(f)),
    );
    tarballs.push({
      name: manifest.name,
      version: manifest.version,
      dependencies: Object.keys(manifest.dependencies ?? {}),
      file,
      bytes: statSync(file).size,
    });
  }
  return tarballs;
}

const list = (file) => execFileSync('tar', ['tzf', file]).toString().trim().split('\n');
const read = (file, entry) => execFileSync('tar', ['xzf', file, '-O', entry]).toString();

/** Metadata, files and dependency rules every published package follows; throws on the first miss. */
export function checkTarballs(tarballs) {
  const problems = [];
  for (const t of tarballs) {
    const files = list(t.file);
    const m = JSON.parse(read(t.file, 'package/package.json'));
    const miss = (what) => problems.push(`${t.name}: ${what}`);
    if (
      !files.includes('package/LICENSE') ||
      !read(t.file, 'package/LICENSE').startsWith('MIT License')
    )
      miss('no MIT LICENSE file');
    if (!files.includes('package/README.md')) miss('no README.md');
    if (!read(t.file, 'package/README.md').match(new RegExp(`npm install (-g )?${t.name}`)))
      miss('the README does not open with npm install');
    for (const field of [
      'description',
      'keywords',
      'repository',
      'files',
      'sideEffects',
      'exports',
    ])
      if (m[field] === undefined) miss(`no "${field}"`);
    if (m.license !== 'MIT') miss(`license ${m.license}`);
    if (m.engines?.node !== '>=20') miss(`engines.node ${m.engines?.node}`);
    if (m.type !== 'module') miss('not "type": "module"');
    const dot = m.exports?.['.'];
    if (typeof dot?.require !== 'string' || !files.includes(`package/${dot.require.slice(2)}`))
      miss('no require condition file');
    if (typeof dot?.types !== 'string' || !files.includes(`package/${dot.types.slice(2)}`))
      miss('exports types missing');
    const text = JSON.stringify(m);
    if (/"(workspace|catalog):/.test(text))
      miss('a workspace: or catalog: specifier was published');
    for (const peer of [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-core',
      'onnxruntime-web',
    ])
      if (m.dependencies?.[peer] !== undefined && t.name !== '@reparam/cli')
        miss(`${peer} is a dependency, not a peer`);
    if (files.some((f) => /\.test\.[jt]s$|test-helpers\//.test(f))) miss('tests are packed');
    console.log(
      `pack: ${t.name}@${t.version} ${(t.bytes / 1024).toFixed(1)} kB packed, ${files.length} files`,
    );
  }
  const wasm = tarballs.find((t) => t.name === '@reparam/wasm');
  const wasmFiles = list(wasm.file).filter((f) => f.endsWith('.wasm'));
  if (wasmFiles.length !== 4)
    problems.push(`@reparam/wasm: ${wasmFiles.length} .wasm files packed, not 4`);
  if (problems.length > 0)
    throw new Error(`consumer-check: tarball problems:\n  ${problems.join('\n  ')}`);
}
