/**
 * What the CLI's verbs need beyond parsing their arguments, loaded only once a verb runs: `help`
 * and usage errors never load the engine, the adapters (MSAL, the IMAP and SMTP clients), the
 * store or the chat SDKs, so they answer in a fraction of the time (bench/cli-cold-start.ts).
 */
export { stringify as toYaml } from 'yaml';
export { startApp } from '../app.js';
export { selectChecks } from '../checks/registry.js';
export { runAlertsCli } from '../commands/alerts-cli.js';
export { findCommand } from '../commands/dispatch.js';
export { runFixCli } from '../commands/fix-cli.js';
export { runHistoryCli } from '../commands/history-cli.js';
export { runReport } from '../commands/run-report.js';
export { runTestEmail, testEmailMessage } from '../commands/test-email.js';
export { findConfigFile, loadConfigFile, parseConfig } from '../config/load.js';
export { configWarnings } from '../config/warnings.js';
export { createCore } from '../core.js';
export { runDoctorCli } from '../doctor/doctor-cli.js';
export { renderText } from '../render/text.js';
export { runWatchCli } from './watch.js';
