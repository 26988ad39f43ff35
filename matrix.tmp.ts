import { readFileSync } from 'node:fs';
import pino from 'pino';
import { SCENARIOS, startLab } from './lab/index.js';
import { createAdapters } from './src/adapters/create.js';
import { dnsChecks } from './src/checks/dns/index.js';
import { mailflowE2eCheck } from './src/checks/mailflow/mailflow-e2e.js';
import { CATALOGUE } from './src/checks/registry.js';
import { parseConfig } from './src/config/load.js';
import { runChecks } from './src/engine/run.js';

const catalogue = [...CATALOGUE.filter((c) => c.meta.id !== 'mailflow-e2e'), mailflowE2eCheck];
for (const s of SCENARIOS) {
  const t0 = Date.now();
  const lab = await startLab({ scenario: s.name });
  try {
    const config = parseConfig(lab.config);
    const tenant = config.tenants[0]!;
    const adapters = createAdapters({
      tenant,
      services: config.services,
      timeouts: config.timeouts,
      ca: readFileSync(config.services.caFile!, 'utf8'),
      logger: pino({ level: 'silent' }),
    });
    const report = await runChecks({
      checks: [...dnsChecks, mailflowE2eCheck],
      catalogue,
      adapters,
      tenant,
      services: config.services,
      timeouts: config.timeouts,
    });
    const mismatches = report.checks
      .filter((c) => c.status !== (s.expect[c.id] ?? 'pass'))
      .map(
        (c) => `${c.id}=${c.status}${c.cause ? `(${c.cause.checkId})` : ''}${c.status === 'pass' ? '' : ` [${c.detail.slice(0, 140)}]`}`,
      );
    console.log(`${s.name.padEnd(28)} ${Date.now() - t0}ms ${mismatches.length ? 'MISMATCH ' + mismatches.join(' | ') : 'ok'}`);
  } finally {
    await lab.stop();
  }
}
