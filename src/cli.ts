import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { startApp } from './app.js';
import { selectChecks } from './checks/registry.js';
import type { Core } from './commands/context.js';
import { handleCommand } from './commands/dispatch.js';
import { errorToMessage } from './commands/error-message.js';
import { runFixCli } from './commands/fix-cli.js';
import { runReport } from './commands/run-report.js';
import { runTestEmail, testEmailMessage } from './commands/test-email.js';
import { findConfigFile, loadConfigFile, parseConfig } from './config/load.js';
import type { MailsetupConfig } from './config/schema.js';
import { redact } from './config/secret.js';
import { createCore } from './core.js';
import { isMailsetupError, MailsetupError } from './errors.js';
import { createLogger } from './log.js';
import { renderText } from './render/text.js';

/** Exit codes: 0 nothing failing, 1 a check is `fail` or `error`, 2 bad usage or bad config. */
const EXIT_OK = 0;
const EXIT_FAILING = 1;
const EXIT_USAGE = 2;

const USAGE = `Usage: mailsetup <verb> [arguments] [options]

Verbs:
  start                       run the bot (no config file: the lab and a console channel)
  status [tenant]             run every check
  check <id|area> [tenant]    run one check or an area (exchange, entra, dns, erp, mailflow)
  explain <id>                what a step is for, how to do it by hand, how to verify
  test-email [tenant]         send real mail through the loop and time each hop
  fix <id> [tenant]           plan the fix of a failing check (a dry run: prints the plan, changes nothing)
  lab [--scenario NAME]       run the simulated tenant and print the config that points at it
  help                        this text

Options:
  --config FILE      config file (default ./mailsetup.yaml, or $MAILSETUP_CONFIG)
  --lab SCENARIO     run against an in-process lab in that state (e.g. healthy, connector-ip-missing)
  --tenant NAME      which tenant, when the config has several
  --json             machine-readable output
  --remove-extra     with fix exchange-connector-ips: plan removing the entries that are not the ERP's
`;

interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
}

/** Runs the CLI and returns the exit code (never throws). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { verb, positionals, values } = parsed;
  if (verb === 'help' || values.help) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (verb === 'lab') return runLabServer(values.scenario ?? values.lab ?? 'healthy', io);

  let session: Session;
  try {
    session = await openSession({ configPath: values.config, lab: values.lab, env: io.env });
  } catch (error) {
    io.stderr.write(`${redact(isMailsetupError(error) ? error.userMessage : String(error))}\n`);
    return EXIT_USAGE;
  }
  try {
    if (verb === 'start') {
      if (session.labBanner) io.stdout.write(session.labBanner);
      const app = await startApp({
        config: session.config,
        logger: createLogger(session.config.log.level, io.stderr),
        input: io.stdin,
        output: io.stdout,
        interactive: io.isTty,
        console: session.lab !== undefined || io.isTty || (!session.config.slack && !session.config.teams),
      });
      if (!session.config.slack && !session.config.teams) await app.stop();
      else await untilSignal().then(() => app.stop());
      return EXIT_OK;
    }
    const core = createCore({ config: session.config, logger: createLogger(session.config.log.level, io.stderr) });
    return await runVerb(verb, positionals, values, core, io);
  } finally {
    await session.close();
  }
}

async function runVerb(verb: string, positionals: string[], values: CliValues, core: Core, io: CliIo): Promise<number> {
  const actor = { platform: 'cli' as const, userId: io.env.USER ?? 'cli' };
  try {
    if (verb === 'status' || verb === 'check') {
      const selector = verb === 'check' ? positionals[0] : undefined;
      if (verb === 'check' && !selector)
        throw new MailsetupError('UsageError', '`check` needs a check id or an area.', { hint: 'e.g. `mailsetup check erp`.' });
      const tenantName = values.tenant ?? positionals[verb === 'check' ? 1 : 0];
      const checks = selector ? selectChecks(selector, core.catalogue) : core.catalogue;
      const tenant = core.tenant(tenantName);
      const { report, message } = await runReport({ core, actor }, tenant, checks);
      io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(message, { details: verb === 'check' }));
      return report.summary.ok ? EXIT_OK : EXIT_FAILING;
    }
    if (verb === 'fix') return await runFixCli(core, positionals, values, io);
    if (verb === 'test-email') {
      const result = await runTestEmail(core, values.tenant ?? positionals[0]);
      io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderText(testEmailMessage(result)));
      return result.verdict === 'pass' ? EXIT_OK : EXIT_FAILING;
    }
    const line = [verb, ...positionals, ...(values.tenant ? ['--tenant', values.tenant] : [])].join(' ');
    const reply = await handleCommand(line, { core, actor });
    io.stdout.write(values.json ? `${JSON.stringify(reply, null, 2)}\n` : renderText(reply, { details: true }));
    if (reply.ephemeral) return EXIT_USAGE;
    return reply.tone === 'bad' || reply.tone === 'error' ? EXIT_FAILING : EXIT_OK;
  } catch (error) {
    const message = errorToMessage(error);
    io.stderr.write(renderText(message));
    return isMailsetupError(error) && error.code === 'UsageError' ? EXIT_USAGE : EXIT_FAILING;
  }
}

type CliValues = {
  config?: string;
  lab?: string;
  scenario?: string;
  tenant?: string;
  json?: boolean;
  help?: boolean;
  'remove-extra'?: boolean;
};

function parseCli(argv: string[]): { verb: string; positionals: string[]; values: CliValues } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      lab: { type: 'string' },
      scenario: { type: 'string' },
      tenant: { type: 'string' },
      json: { type: 'boolean' },
      'remove-extra': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [verb = 'help', ...rest] = positionals;
  return { verb: verb.toLowerCase(), positionals: rest, values };
}

interface Session {
  config: MailsetupConfig;
  lab?: string;
  labBanner?: string;
  close(): Promise<void>;
}

/** A config file when there is one (or --config), otherwise (or with --lab) an in-process lab. */
async function openSession(options: { configPath?: string; lab?: string; env: NodeJS.ProcessEnv }): Promise<Session> {
  const file = options.lab ? undefined : findConfigFile({ path: options.configPath, env: options.env });
  if (file) return { config: loadConfigFile(file, options.env), close: async () => {} };
  const scenario = options.lab ?? 'healthy';
  const { startLab } = await import('../lab/index.js');
  let lab: Awaited<ReturnType<typeof startLab>>;
  try {
    lab = await startLab({ scenario });
  } catch (error) {
    throw new MailsetupError('UsageError', (error as Error).message);
  }
  const config = parseConfig(lab.config, { env: {} });
  const banner =
    `No ${options.configPath ?? 'mailsetup.yaml'} found: started the lab (a simulated tenant, scenario "${scenario}") on loopback.\n` +
    'Type `/mailsetup status` (or `help`). `exit` or Ctrl-D ends.\n\n';
  return { config, lab: scenario, labBanner: banner, close: () => lab.stop() };
}

/** `mailsetup lab`: runs the lab until Ctrl-C and prints the config that points at it. */
async function runLabServer(scenario: string, io: CliIo): Promise<number> {
  const { startLab } = await import('../lab/index.js');
  let lab: Awaited<ReturnType<typeof startLab>>;
  try {
    lab = await startLab({ scenario });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  io.stdout.write(`# The lab is running (scenario "${scenario}"). Save this as mailsetup.yaml to point the bot at it.\n`);
  io.stdout.write(toYaml(lab.config));
  await untilSignal();
  await lab.stop();
  return EXIT_OK;
}

/** Resolves on Ctrl-C or a service manager's SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry || process.env.MAILSETUP_CLI_ENTRY === '1') {
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    isTty: Boolean(process.stdin.isTTY),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`mailsetup could not start: ${redact(error instanceof Error ? error.message : String(error))}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
