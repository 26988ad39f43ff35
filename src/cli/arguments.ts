import { parseArgs } from 'node:util';
import { findCheck, selectChecks } from '../checks/registry.js';
import { COMMANDS, findCommand } from '../commands/dispatch.js';
import { MailsetupError } from '../errors.js';

export type CliValues = {
  config?: string;
  lab?: string;
  scenario?: string;
  tenant?: string;
  /** How many lab tenants (`--tenants N`), parsed and checked. */
  tenants?: string;
  json?: boolean;
  help?: boolean;
  'remove-extra'?: boolean;
  limit?: string;
  jsonl?: boolean;
  once?: boolean;
  cycles?: string;
};

export interface CliCommand {
  verb: string;
  positionals: string[];
  values: CliValues;
}

/** Verbs only the CLI has, besides the chat verbs (COMMANDS). */
export const CLI_VERBS = [
  { verb: 'start', usage: 'start', summary: 'Runs the bot (with no config file: the lab and a console channel).' },
  {
    verb: 'lab',
    usage: 'lab [--scenario NAME] [--tenants N]',
    summary:
      'Runs the simulated tenants and prints the config that points at them, and a loopback control endpoint that switches scenarios.',
  },
  {
    verb: 'doctor',
    usage: 'doctor [--config F] [--lab S] [--json]',
    summary:
      'Checks the config, the store, every configured service (reachable, TLS) and the app permissions: run it after writing the config.',
  },
  {
    verb: 'watch',
    usage: 'watch [--once | --cycles N] [pause <tenant> <duration> <reason> | resume <tenant>]',
    summary:
      'With --once runs one watch cycle now and prints the alert transitions; --cycles N --lab S is a dry run of the alert policy; alone, the next and last run per tenant and the pauses.',
  },
  {
    verb: 'fix',
    usage: 'fix <id> [tenant] [--remove-extra]',
    summary: 'Plans the fix of a failing check and prints it (a dry run: it changes nothing; fixes are approved in chat).',
  },
] as const;

/** Every verb the CLI takes: its own, then the chat verbs (COMMANDS, the one list of them). */
export function cliVerbs(): { verb: string; usage: string; summary: string }[] {
  const own = new Set<string>(CLI_VERBS.map((v) => v.verb));
  return [...CLI_VERBS, ...COMMANDS.filter((c) => !own.has(c.verb))].map(({ verb, usage, summary }) => ({ verb, usage, summary }));
}

/** The usage text; with a verb, that verb's line. */
export function usageText(verb?: string): string {
  const one = cliVerbs().find((v) => v.verb === verb);
  if (one)
    return `Usage: mailsetup ${one.usage}

${one.summary}
`;
  const verbs = cliVerbs().map((v) => `  ${v.usage.padEnd(30)}${v.summary}`);
  return `Usage: mailsetup <verb> [arguments] [options]

Verbs:
${verbs.join('\n')}

Options:
  --config FILE      config file (default ./mailsetup.yaml, or $MAILSETUP_CONFIG)
  --lab SCENARIO     run against an in-process lab in that state (e.g. healthy, connector-ip-missing)
  --tenants N        with --lab (or lab, or start without a config): how many lab tenants (default 1)
  --tenant NAME      which tenant, when the config has several
  --json             machine-readable output on stdout, errors included
  --remove-extra     with fix exchange-connector-ips: plan removing the entries that are not the ERP's
  --limit N          with history: how many audit entries (default 20, at most 500)
  --jsonl            with history: one JSON object per line (for a SIEM)
  --once             with watch: one cycle now (cron); --cycles N: N cycles back to back, posting nowhere

Exit codes: 0 nothing failing, 1 a check failed or could not tell, 2 bad usage or config, 3 mailsetup itself failed.
`;
}

/**
 * Parses and validates the command line before anything starts (no lab, no config read): unknown
 * options, unknown verbs, missing or extra arguments and unknown check ids are usage errors here.
 * @throws MailsetupError UsageError
 */
export function parseCliArguments(argv: string[]): CliCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    const sentence = (error as Error).message.split(/(?<=\.) /)[0] ?? 'That command line cannot be read.';
    throw new MailsetupError('UsageError', sentence, { hint: 'Type `mailsetup help` for the verbs and options.' });
  }
  const [first = 'help', ...positionals] = parsed.positionals;
  const verb = first.toLowerCase();
  if (parsed.values.tenants !== undefined) checkTenantCount(verb, parsed.values);
  const command = { verb, positionals, values: parsed.values };
  if (verb === 'help' || parsed.values.help) {
    const about = verb === 'help' ? positionals[0]?.toLowerCase() : verb;
    if (about && about !== 'help' && !CLI_VERBS.some((v) => v.verb === about))
      findCommand(
        about,
        CLI_VERBS.map((v) => v.verb),
      );
    return { verb: 'help', positionals: about ? [about] : [], values: parsed.values };
  }
  if (verb === 'start' || verb === 'lab' || verb === 'doctor') {
    if (positionals.length > 0) throw usage(`\`${verb}\` takes no arguments, not "${positionals.join(' ')}".`, verb);
    if (verb === 'start' && parsed.values.json) throw usage('`start` runs the bot; it has no JSON output.', 'start');
    return command;
  }
  validateWatchOptions(verb, positionals, parsed.values);
  if (!CLI_VERBS.some((v) => v.verb === verb))
    findCommand(
      verb,
      CLI_VERBS.map((v) => v.verb),
    );
  if (verb !== 'history') {
    const only = parsed.values.jsonl ? '--jsonl' : parsed.values.limit !== undefined ? '--limit' : undefined;
    if (only) throw usage(`\`${verb}\` has no option ${only}; it belongs to \`history\`.`, verb);
  } else if (parsed.values.json && parsed.values.jsonl) throw usage('Give --json or --jsonl, not both.', verb);
  validateArguments(verb, positionals);
  return command;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      lab: { type: 'string' },
      scenario: { type: 'string' },
      tenant: { type: 'string' },
      tenants: { type: 'string' },
      json: { type: 'boolean' },
      'remove-extra': { type: 'boolean' },
      limit: { type: 'string' },
      jsonl: { type: 'boolean' },
      once: { type: 'boolean' },
      cycles: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** What each verb takes, checked against the catalogue (which needs no config). */
function validateArguments(verb: string, positionals: string[]): void {
  const [first, ...rest] = positionals;
  if (verb === 'check') {
    if (!first) throw usage('`check` needs a check id or an area.', verb);
    if (rest.length > 1) throw usage(`\`check\` takes an id or area and a tenant, not "${positionals.join(' ')}".`, verb);
    selectChecks(first);
  } else if (verb === 'explain') {
    if (!first || rest.length > 0) throw usage('`explain` takes exactly one check id.', verb);
    if (!findCheck(first.toLowerCase())) selectChecks(first);
  } else if (verb === 'fix') {
    if (!first || rest.length > 1) throw usage('`fix` takes a check id and, optionally, a tenant.', verb);
    if (!findCheck(first.toLowerCase())) selectChecks(first);
  } else if (verb === 'history') {
    if (rest.length > 0) throw usage(`\`history\` takes at most a tenant name, not "${positionals.join(' ')}".`, verb);
  } else if (verb === 'status' || verb === 'test-email') {
    if (rest.length > 0) throw usage(`\`${verb}\` takes at most a tenant name, not "${positionals.join(' ')}".`, verb);
  }
}

/** `--once` and `--cycles N`: where they go and what they take. */
function validateWatchOptions(verb: string, positionals: string[], values: CliValues): void {
  if ((values.once || values.cycles !== undefined) && verb !== 'watch') throw usage('--once and --cycles go with `watch`.', 'watch');
  if (verb !== 'watch') return;
  if (values.once && values.cycles !== undefined) throw usage('Give --once or --cycles N, not both.', verb);
  if (values.cycles !== undefined) {
    const n = Number(values.cycles);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw usage('--cycles must be a whole number from 1 to 100.', verb);
    if (values.lab === undefined)
      throw usage('--cycles N is a dry run against the lab: add --lab SCENARIO (use --once with a config).', verb);
  }
  const [sub, tenant, duration, ...reason] = positionals;
  if ((values.once || values.cycles !== undefined) && positionals.length > 0)
    throw usage(`--once and --cycles take no arguments, not "${positionals.join(' ')}".`, verb);
  if (sub === 'pause' && (!tenant || !duration || reason.length === 0))
    throw usage('`watch pause` needs a tenant, a duration (e.g. 4h) and a reason.', verb);
  if (sub === 'resume' && (!tenant || duration)) throw usage('`watch resume` takes exactly one tenant.', verb);
  if (sub !== undefined && sub !== 'pause' && sub !== 'resume' && positionals.length > 1)
    throw usage(`\`watch\` takes pause, resume or a tenant, not "${positionals.join(' ')}".`, verb);
}

/** The most tenants one lab holds (lab/index.ts MAX_LAB_TENANTS; checked here before any lab starts). */
const MAX_LAB_TENANTS = 2000;

/** `--tenants N`: a whole number of lab tenants, only where a lab runs. */
function checkTenantCount(verb: string, values: CliValues): void {
  const text = values.tenants ?? '';
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_LAB_TENANTS) {
    throw usage(`--tenants takes a whole number of lab tenants from 1 to ${MAX_LAB_TENANTS}, not "${text}".`, verb);
  }
  if (verb !== 'lab' && verb !== 'start' && values.lab === undefined) {
    throw usage('--tenants sizes the lab: use it with --lab SCENARIO (or with `mailsetup lab`).', verb);
  }
}

/** The lab tenant count of a parsed command line (1 without `--tenants`). */
export function labTenantCount(values: CliValues): number {
  return values.tenants === undefined ? 1 : Number(values.tenants);
}

function usage(message: string, verb: string): MailsetupError {
  const spec = cliVerbs().find((v) => v.verb === verb);
  return new MailsetupError('UsageError', message, { hint: `Usage: \`mailsetup ${spec?.usage ?? verb}\`.` });
}
