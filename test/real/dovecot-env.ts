import { existsSync, readFileSync } from 'node:fs';

/** What `.ci/dovecot.sh` wrote: where the real Dovecot listens and how to log in. */
export interface DovecotEnv {
  host: string;
  port: number;
  user: string;
  password: string;
  ca: string;
  version: string;
  /** The submission (SMTP, STARTTLS) listener, when the script started one. */
  submissionPort?: number;
}

export const DOVECOT_ENV_FILE = new URL('./.dovecot.env', import.meta.url);

/** The env file's values (process env wins), or undefined when the script has not run. */
export function readDovecotEnv(): DovecotEnv | undefined {
  const fromFile: Record<string, string> = {};
  if (existsSync(DOVECOT_ENV_FILE)) {
    for (const line of readFileSync(DOVECOT_ENV_FILE, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) fromFile[m[1]!] = m[2]!;
    }
  }
  const get = (name: string) => process.env[`MAILSETUP_DOVECOT_${name}`] ?? fromFile[`MAILSETUP_DOVECOT_${name}`];
  const port = get('PORT');
  const user = get('USER');
  const password = get('PASSWORD');
  const ca = get('CA');
  if (!port || !user || !password || !ca || !existsSync(ca)) return undefined;
  return {
    host: get('HOST') ?? '127.0.0.1',
    port: Number(port),
    user,
    password,
    ca: readFileSync(ca, 'utf8'),
    version: get('VERSION') ?? '?',
    submissionPort: get('SUBMISSION_PORT') ? Number(get('SUBMISSION_PORT')) : undefined,
  };
}
