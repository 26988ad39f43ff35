import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { MailsetupError } from '../errors.js';
import { knownKeysAt, nearestKey } from './known-keys.js';
import { buildConfigSchema, CONFIG_EXAMPLES, type MailsetupConfig } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'mailsetup.yaml';

/** The standard env names of Slack and the Bot Framework, mapped onto config keys. */
const STANDARD_ENV: Record<string, { path: string[]; secret: boolean }> = {
  SLACK_BOT_TOKEN: { path: ['slack', 'botToken'], secret: true },
  SLACK_SIGNING_SECRET: { path: ['slack', 'signingSecret'], secret: true },
  SLACK_APP_TOKEN: { path: ['slack', 'appToken'], secret: true },
  MicrosoftAppId: { path: ['teams', 'appId'], secret: false },
  MicrosoftAppPassword: { path: ['teams', 'appPassword'], secret: true },
  MicrosoftAppType: { path: ['teams', 'appType'], secret: false },
  MicrosoftAppTenantId: { path: ['teams', 'tenantId'], secret: false },
};

/** A config problem: `tenants[0].erp.url: Invalid URL — e.g. https://erp.contoso.com`. */
export class ConfigError extends MailsetupError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('ConfigInvalid', `The configuration has ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`, {
      hint: 'Fix these keys and start again (mailsetup.example.yaml shows every key).',
    });
    this.problems = problems;
  }

  override get userMessage(): string {
    return `${this.message}\n${this.hint}`;
  }
}

export interface LoadOptions {
  /** Path given with --config; when absent `mailsetup.yaml` in the working directory, if it exists. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Returns the config file to use, or undefined when none was given and none exists (lab mode). */
export function findConfigFile(options: LoadOptions = {}): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const explicit = options.path ?? env.MAILSETUP_CONFIG;
  if (explicit) {
    const full = resolve(cwd, explicit);
    if (!existsSync(full)) {
      throw new MailsetupError('ConfigInvalid', `The config file ${explicit} does not exist.`, {
        hint: 'Give the path of a mailsetup.yaml (copy mailsetup.example.yaml to start).',
      });
    }
    return full;
  }
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

/** Reads, merges env overrides, validates. Throws ConfigError listing every problem. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): MailsetupConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new ConfigError([`${path}: not valid YAML (${message})`]);
  }
  return parseConfig(raw, { baseDir: dirname(path), env });
}

/** Validates an already-parsed config object (from YAML, or built by the lab). */
export function parseConfig(raw: unknown, options: { baseDir?: string; env?: NodeJS.ProcessEnv } = {}): MailsetupConfig {
  const env = options.env ?? process.env;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(['(top level): expected a mapping with a `tenants` list — e.g. tenants: [{ name: contoso, ... }]']);
  }
  const merged = applyEnvOverrides(structuredClone(raw) as Record<string, unknown>, env);
  const schema = buildConfigSchema({ baseDir: options.baseDir ?? process.cwd(), env });
  const result = schema.safeParse(merged);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, schema));
  return result.data;
}

/**
 * Env overrides: the standard Slack/Bot Framework names, and `MAILSETUP__a__b__0__c=value` for any
 * key path (segments match keys case-insensitively; numbers index lists). Values that parse as
 * YAML scalars (numbers, booleans) are converted.
 */
export function applyEnvOverrides(config: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  for (const [name, { path, secret }] of Object.entries(STANDARD_ENV)) {
    const value = env[name];
    // Secrets stay references, so the value is only ever held inside a Secret.
    if (value !== undefined && value !== '') setPath(config, path, secret ? `env:${name}` : value);
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('MAILSETUP__') || value === undefined) continue;
    const path = name.slice('MAILSETUP__'.length).split('__').filter(Boolean);
    if (path.length > 0) setPath(config, path, scalar(value));
  }
  return config;
}

function scalar(value: string): unknown {
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (/^-?\d+$/.test(value)) return Number(value);
  return value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string;
    // A list is indexed by number; a mapping by its existing key in any case, else the segment.
    const key = Array.isArray(node)
      ? Number(segment)
      : (Object.keys(node).find((k) => k.toLowerCase() === segment.toLowerCase()) ?? segment);
    if (typeof key === 'number' && !Number.isInteger(key)) return;
    const container = node as Record<string | number, unknown>;
    if (i === path.length - 1) {
      container[key] = value;
      return;
    }
    container[key] ??= /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
    node = container[key] as Record<string, unknown> | unknown[];
  }
}

function formatIssues(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => unknownKeyProblem(issue.path, key, schema));
    const key = keyPath(issue.path, (index) => `[${index}]`) || '(top level)';
    const pattern = keyPath(issue.path, () => '[]');
    const example = CONFIG_EXAMPLES[pattern];
    const problem = describeIssue(issue);
    return example ? `${key}: ${problem} — e.g. ${example}` : `${key}: ${problem}`;
  });
}

/** `tenants[0].erp.url`; `index` writes list positions (`[0]`, or `[]` for the CONFIG_EXAMPLES pattern). */
function keyPath(path: readonly PropertyKey[], index: (n: number) => string): string {
  return path.map((p, i) => (typeof p === 'number' ? index(p) : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** "`tenants[0].erpEgresIps`: not a config key — did you mean `erpEgressIps`?" */
function unknownKeyProblem(path: readonly PropertyKey[], key: string, schema: z.core.$ZodType): string {
  const where = keyPath([...path, key], (index) => `[${index}]`);
  const known = knownKeysAt(schema, path);
  const nearest = nearestKey(key, known);
  if (nearest) return `\`${where}\`: not a config key — did you mean \`${nearest}\`?`;
  return `\`${where}\`: not a config key — the keys here are ${known.map((k) => `\`${k}\``).join(', ')}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'is missing';
  return issue.message;
}
