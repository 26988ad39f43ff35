import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Fault, LabServiceName } from '../lab/faults.js';
import type { LabRawConfig } from '../lab/service.js';

/** The lab in a child process (see `lab-process.ts` for why), driven over IPC. */
export interface ChildLab {
  config: LabRawConfig;
  /** A position in the lab's request log. */
  mark(): Promise<number>;
  /** The requests served since a mark: who, which service, which resource. */
  since(mark: number): Promise<{ tenant?: string; service: LabServiceName; key: string }[]>;
  inject(fault: Fault): Promise<void>;
  stop(): Promise<void>;
}

export async function startChildLab(options: { scenario?: string; tenants?: number; faults?: Fault[] }): Promise<ChildLab> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./lab-process.ts', import.meta.url)), [JSON.stringify(options)], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_LAB_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_LAB_PROFILE}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const ready = new Promise<{ config: LabRawConfig }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The bench's lab process exited (${code}) before it was ready.`)));
    child.on(
      'message',
      (message: { ready?: boolean; config?: LabRawConfig; id?: number; ok?: boolean; value?: unknown; error?: string }) => {
        if (message.ready && message.config) return resolve({ config: message.config });
        const pending = message.id === undefined ? undefined : waiting.get(message.id);
        if (!pending || message.id === undefined) return;
        waiting.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(new Error(message.error ?? 'The lab process failed.'));
      },
    );
  });
  const call = <T>(op: string, extra: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, op, ...extra });
    });
  const { config } = await ready;
  return {
    config,
    mark: () => call<number>('mark'),
    since: (mark) => call('since', { mark }),
    inject: (fault) => call<void>('inject', { fault }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call('stop').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
