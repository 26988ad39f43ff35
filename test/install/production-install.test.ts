import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const folder = mkdtempSync(join(tmpdir(), 'mailsetup-prod-'));

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * What the Dockerfile's second stage does, step by step: the compiled dist/ and the package files
 * only, `npm ci --omit=dev` (no TypeScript, no tsx, no vitest), then the bin runs the bot's lab.
 */
describe('production install', () => {
  it('npm ci --omit=dev runs `mailsetup status --lab healthy` from dist/', { timeout: 600_000 }, async () => {
    await run(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
    for (const path of ['dist', 'bin', 'scripts', 'package.json', 'package-lock.json']) {
      cpSync(join(root, path), join(folder, path), { recursive: true });
    }
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: folder, env: { ...process.env, NODE_ENV: 'production' } });

    await expect(run(process.execPath, ['-e', "import('typescript')"], { cwd: folder })).rejects.toThrow();
    const { stdout } = await run(process.execPath, [join(folder, 'bin', 'mailsetup.js'), 'status', '--lab', 'healthy'], { cwd: folder });
    expect(stdout).toMatch(/^\d+ passing, 1 skipped — all good/);
    expect(stdout).toContain('== Mail setup of contoso.test ==');
  });
});
