import type { Logger } from 'pino';
import { type CliCommand, cliVerbs, labTenantCount, parseCliArguments, usageText } from './cli/arguments.js';
import { CliOutput, EXIT_FAILING, EXIT_INTERNAL, EXIT_OK } from './cli/output.js';
import { exitOnUncaughtFailures, exitWhenWritten } from './cli/process.js';
import type * as VerbModules from './cli/verb-modules.js';
import type { Core } from './commands/context.js';
import type { MailsetupConfig } from './config/schema.js';
import { MailsetupError } from './errors.js';
import { createLogger } from './log.js';
import { tuneHeapForService } from './service/heap.js';

interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
}

/** Loaded once a verb runs (not for `help` or a usage error): see cli/verb-modules.ts. */
let verbs: typeof VerbModules;

/** Runs the CLI and returns the exit code (never throws). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const out = new CliOutput(io, argv.includes('--json') || argv.includes('--jsonl'));
  let command: CliCommand;
  try {
    // Arguments are checked before anything starts: a usage error never waits for a lab.
    command = parseCliArguments(argv);
  } catch (error) {
    return out.error(error);
  }
  const { verb, values } = command;
  if (verb === 'help') {
    const about = command.positionals[0];
    out.result({ verbs: cliVerbs().filter((v) => !about || v.verb === about) }, () => usageText(about));
    return EXIT_OK;
  }
  verbs = await import('./cli/verb-modules.js');
  if (verb === 'start' || verb === 'watch' || verb === 'lab') tuneHeapForService();
  if (verb === 'lab') return runLabServer(values.scenario ?? values.lab ?? 'healthy', labTenantCount(values), out);

  let session: Session;
  try {
    session = await openSession({
      configPath: values.config,
      lab: values.lab,
      tenants: labTenantCount(values),
      longRunning: verb === 'start',
      env: io.env,
    });
  } catch (error) {
    return out.error(error);
  }
  const logger = createLogger(session.config.log.level, io.stderr);
  try {
    for (const warning of verbs.configWarnings(session.config)) logger.warn(warning);
    if (verb === 'start') return await runStart(session, io, out, logger);
    if (verb === 'doctor') return await verbs.runDoctorCli(session.config, out, logger, doctorSource(session, values.config));
    if (verb === 'watch') {
      const actor = { platform: 'cli' as const, userId: io.env.USER ?? 'cli' };
      return await verbs.runWatchCli(command, session.config, out, logger, { actor, lab: session.lab !== undefined });
    }
    const core = verbs.createCore({ config: session.config, logger });
    return await runVerb(command, core, io, out);
  } catch (error) {
    return out.error(error, logger);
  } finally {
    await session.close();
  }
}

async function runStart(session: Session, io: CliIo, out: CliOutput, logger: Logger): Promise<number> {
  if (session.labBanner) out.text(session.labBanner);
  const chat = Boolean(session.config.slack || session.config.teams);
  const app = await verbs.startApp({
    config: session.config,
    logger,
    input: io.stdin,
    output: io.stdout,
    interactive: io.isTty,
    console: session.lab !== undefined || io.isTty || !chat,
    consoleLine: session.consoleLine,
  });
  if (chat) await untilSignal();
  await app.stop();
  return EXIT_OK;
}

async function runVerb({ verb, positionals, values }: CliCommand, core: Core, io: CliIo, out: CliOutput): Promise<number> {
  const actor = { platform: 'cli' as const, userId: io.env.USER ?? 'cli' };
  if (verb === 'status' || verb === 'check') {
    const selector = verb === 'check' ? positionals[0] : undefined;
    const checks = selector ? verbs.selectChecks(selector, core.catalogue) : core.catalogue;
    const tenant = core.tenant(values.tenant ?? positionals[verb === 'check' ? 1 : 0]);
    const { report, message } = await verbs.runReport({ core, actor }, tenant, checks);
    out.result(report, () => verbs.renderText(message, { details: verb === 'check' }));
    return report.summary.ok ? EXIT_OK : EXIT_FAILING;
  }
  if (verb === 'fix') return await verbs.runFixCli(core, positionals, values, out);
  if (verb === 'history') return await verbs.runHistoryCli(core, positionals, values, out);
  if (verb === 'alerts')
    return await verbs.runAlertsCli(core, [...positionals, ...(values.tenant ? ['--tenant', values.tenant] : [])], actor, out);
  if (verb === 'test-email') {
    const result = await verbs.runTestEmail(core, values.tenant ?? positionals[0]);
    out.result(result, () => verbs.renderText(verbs.testEmailMessage(result)));
    return result.verdict === 'pass' ? EXIT_OK : EXIT_FAILING;
  }
  const args = [...positionals, ...(values.tenant ? ['--tenant', values.tenant] : [])];
  const reply = await verbs.findCommand(verb).run(args, { core, actor });
  out.result(reply, () => verbs.renderText(reply, { details: true }));
  return reply.tone === 'bad' || reply.tone === 'error' ? EXIT_FAILING : EXIT_OK;
}

function doctorSource(session: Session, configPath: string | undefined): string {
  return session.lab ? `the lab's config (scenario "${session.lab}")` : (configPath ?? 'the config');
}

interface Session {
  config: MailsetupConfig;
  lab?: string;
  labBanner?: string;
  /** The console's own lines when it runs the lab (`lab scenario …`). */
  consoleLine?: (text: string) => string | undefined;
  close(): Promise<void>;
}

/** A config file when there is one (or --config), otherwise (or with --lab) an in-process lab. */
async function openSession(options: {
  configPath?: string;
  lab?: string;
  tenants: number;
  /** `start`: the lab runs until the bot stops. */
  longRunning: boolean;
  env: NodeJS.ProcessEnv;
}): Promise<Session> {
  const file = options.lab ? undefined : verbs.findConfigFile({ path: options.configPath, env: options.env });
  if (file) return { config: verbs.loadConfigFile(file, options.env), close: async () => {} };
  const scenario = options.lab ?? 'healthy';
  const lab = await startLabScenario(scenario, options.tenants, options.longRunning);
  // The demo watches the lab: every 30 s, so a broken rule alerts within a minute (DESIGN §6).
  const config = verbs.parseConfig({ watch: LAB_WATCH, ...lab.config }, { env: {} });
  const what = options.tenants === 1 ? 'a simulated tenant' : `${options.tenants} simulated tenants`;
  const banner =
    `No ${options.configPath ?? 'mailsetup.yaml'} found: started the lab (${what}, scenario "${scenario}") on loopback.\n` +
    'Type `/mailsetup status` (or `help`); `lab scenario <name> [tenant]` switches the lab. `exit` or Ctrl-D ends.\n\n';
  const { labConsoleLine } = await import('../lab/control.js');
  return { config, lab: scenario, labBanner: banner, consoleLine: (text) => labConsoleLine(lab, text), close: () => lab.stop() };
}

/** The lab's watch when its config has none: fast enough for the demo. */
const LAB_WATCH = { every: '30s' };

async function startLabScenario(scenario: string, tenants = 1, longRunning = false) {
  const { startLab } = await import('../lab/index.js');
  try {
    return await startLab({ scenario, tenants, longRunning });
  } catch (error) {
    throw new MailsetupError('UsageError', (error as Error).message, { hint: 'Type `mailsetup help` for the options.' });
  }
}

/**
 * `mailsetup lab`: runs the lab until Ctrl-C and prints the config that points at it, and the
 * loopback control endpoint that switches a tenant's scenario.
 */
async function runLabServer(scenario: string, tenants: number, out: CliOutput): Promise<number> {
  let lab: Awaited<ReturnType<typeof startLabScenario>>;
  try {
    lab = await startLabScenario(scenario, tenants, true);
  } catch (error) {
    return out.error(error);
  }
  const { startLabControl } = await import('../lab/control.js');
  const control = await startLabControl(lab);
  const scenarioUrl = `${control.url}/scenario`;
  const example = JSON.stringify({ name: 'catchall-rule-disabled', tenant: lab.state.tenant.name });
  out.result(
    { scenario, tenants, control: { scenarioUrl }, config: lab.config },
    () =>
      `# The lab is running (${tenants === 1 ? 'one tenant' : `${tenants} tenants`}, scenario "${scenario}"). Save this as mailsetup.yaml to point the bot at it.\n` +
      `# Switch a tenant's scenario: curl -X POST -H 'Content-Type: application/json' -d '${example}' ${scenarioUrl}\n` +
      `# List them: curl ${scenarioUrl}\n${verbs.toYaml(lab.config)}`,
  );
  await untilSignal();
  await control.stop();
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
  exitOnUncaughtFailures(createLogger('info'), process.stderr);
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    isTty: Boolean(process.stdin.isTTY),
  }).then(exitWhenWritten, (error) => {
    // main() reports its own failures; reaching here is a bug, said once without a stack.
    new CliOutput(process, process.argv.includes('--json')).error(error);
    exitWhenWritten(EXIT_INTERNAL);
  });
}
