import type { Logger } from 'pino';
import type { CliOutput } from '../cli/output.js';
import type { MailsetupConfig } from '../config/schema.js';
import { configWarnings } from '../config/warnings.js';
import { type Finding, ok, renderFindings, warn } from './finding.js';
import { runDoctor } from './run-doctor.js';

/**
 * `mailsetup doctor`: the config was read and validated on the way here (an invalid one ends with
 * its sentence and exit 2 before this runs); the rest is `runDoctor`. Exit 1 when anything fails.
 */
export async function runDoctorCli(config: MailsetupConfig, out: CliOutput, logger: Logger, source: string): Promise<number> {
  const chat = [
    config.slack ? `Slack (${config.slack.mode === 'http' ? 'HTTP mode' : 'Socket Mode'})` : undefined,
    config.teams ? 'Teams' : undefined,
  ]
    .filter(Boolean)
    .join(' and ');
  const findings: Finding[] = [
    ok(
      'config',
      'Config',
      `${source} is valid: ${config.tenants.length} tenant${config.tenants.length === 1 ? '' : 's'} (${config.tenants.map((t) => t.domain).join(', ')}), ${chat || 'no chat platform'}.`,
    ),
    ...configWarnings(config).map((w) => warn('config:warning', 'Config', `${w}.`, 'Use a longer secret.')),
    ...(await runDoctor({ config, logger })),
  ];
  out.result({ ok: findings.every((f) => f.status !== 'fail'), findings }, () => renderFindings(findings));
  return findings.some((f) => f.status === 'fail') ? 1 : 0;
}
