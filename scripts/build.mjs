// Compiles src/ and lab/ to dist/ (tsc) and copies the files the code reads beside itself at run
// time (each check's explain `.md`). `--if-needed` (the `prepare` script) builds only when the
// compiler is installed; a production install (`npm ci --omit=dev`) has no TypeScript and uses the
// dist/ it was given, as the Dockerfile's second stage does.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const ifNeeded = process.argv.includes('--if-needed');

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  if (ifNeeded && existsSync(join(out, 'src', 'cli.js'))) process.exit(0);
  console.error(
    ifNeeded
      ? 'mailsetup: dist/ is missing and TypeScript is not installed: run `npm install` (with dev dependencies) and `npm run build`.'
      : 'mailsetup: TypeScript is not installed: run `npm install` first.',
  );
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
for (const top of ['src', 'lab']) copyAssets(join(root, top));

function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (entry.name.endsWith('.md')) cpSync(path, join(out, relative(root, path)));
  }
}
