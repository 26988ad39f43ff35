import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { stringify as toYaml } from 'yaml';
import { main } from '../../src/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams (what a user would see on the terminal). */
export async function runCli(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(String(chunk));
        cb();
      },
    });
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  const code = await main(args, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    stdin,
    env: options.env ?? {},
    isTty: false,
  });
  return { code, stdout, stderr };
}

/** Writes a lab's config (with changes) as a mailsetup.yaml in a fresh folder; returns its path. */
export function writeConfigFile(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailsetup-cli-'));
  const file = join(dir, 'mailsetup.yaml');
  writeFileSync(file, toYaml(config));
  return file;
}

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** When stdout first received something (performance.now()), if it did. */
  firstStdoutAt: () => number | undefined;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the CLI as a real process, from its sources (what `npm run mailsetup -- …` does). */
export function spawnCli(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): CliProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let firstStdoutAt: number | undefined;
  child.stdout.on('data', (chunk) => {
    firstStdoutAt ??= performance.now();
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, firstStdoutAt: () => firstStdoutAt, exited };
}
