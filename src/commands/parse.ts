import { MailsetupError } from '../errors.js';

/** Longest command line we read; chat allows ~4,000 characters, nothing we take is near that. */
export const MAX_COMMAND_LENGTH = 500;
const MAX_ARGUMENT_LENGTH = 100;

export interface ParsedCommand {
  verb: string;
  args: string[];
}

/**
 * Splits `/mailsetup check erp --tenant contoso` into verb + arguments. Accepts the command with or
 * without its `/mailsetup`, `mailsetup` or `@mailsetup` prefix (chat clients differ). Quotes group.
 */
export function parseCommandLine(text: string): ParsedCommand {
  const trimmed = text.trim();
  if (trimmed.length > MAX_COMMAND_LENGTH) {
    throw new MailsetupError(
      'UsageError',
      `That command is ${trimmed.length.toLocaleString('en-US')} characters long; commands are short.`,
      {
        hint: 'Try `status`, `check <id or area>`, `explain <id>` or `help`.',
      },
    );
  }
  const words = tokenize(trimmed);
  if (/^[/@]?mailsetup$/i.test(words[0] ?? '')) words.shift();
  const verb = (words.shift() ?? 'help').toLowerCase();
  for (const arg of words) {
    if (arg.length > MAX_ARGUMENT_LENGTH) {
      throw new MailsetupError(
        'UsageError',
        `One argument is ${arg.length.toLocaleString('en-US')} characters long; ids and names are short.`,
        {
          hint: `For example \`${verb} exchange-connector-ips\`. Type \`help ${verb}\` for its usage.`,
        },
      );
    }
  }
  return { verb, args: words };
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** Pulls `--tenant NAME` (or `--tenant=NAME`) out of the arguments. */
export function takeTenantOption(args: string[]): { tenant?: string; rest: string[] } {
  const rest: string[] = [];
  let tenant: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--tenant') {
      tenant = args[i + 1];
      i++;
    } else if (a.startsWith('--tenant=')) tenant = a.slice('--tenant='.length);
    else rest.push(a);
  }
  return { tenant, rest };
}

/** The tenant of a verb that takes nothing else (`status [tenant]`): positional or `--tenant NAME`. */
export function tenantArgument(args: string[], command: { verb: string; usage: string }): string | undefined {
  const { tenant, rest } = takeTenantOption(args);
  if (rest.length > 1) throw usageError(`\`${command.verb}\` takes at most a tenant name, not "${rest.join(' ')}".`, command.usage);
  return tenant ?? rest[0];
}

export function usageError(message: string, usage: string): MailsetupError {
  return new MailsetupError('UsageError', message, { hint: `Usage: \`${usage}\`.` });
}
