import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startLab } from '../../lab/index.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { runReport } from '../../src/commands/run-report.js';
import { parseConfig } from '../../src/config/load.js';
import { createCore } from '../../src/core.js';

/** DESIGN §10 / issue 3: one `status` run makes each distinct outside call at most once. */
describe('one status run', () => {
  it('calls each outside HTTP and DNS resource at most once, with one token per resource', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    try {
      const config = parseConfig(lab.config, { env: {} });
      // The end-to-end test sends mail by design (many IMAP polls); its own tests cover it.
      const catalogue = CATALOGUE.filter((c) => c.meta.id !== 'mailflow-e2e');
      const core = createCore({ config, logger: pino({ level: 'silent' }), catalogue });
      const { report } = await runReport({ core, actor: { platform: 'cli', userId: 't' } }, config.tenants[0]!, catalogue);
      expect(report.summary.ok).toBe(true);
      const counts = new Map<string, number>();
      for (const r of lab.requests) {
        if (r.service === 'mx' || r.service === 'imap') continue; // mail sessions are many commands each
        const key = `${r.service} ${r.key}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const repeated = [...counts].filter(([, n]) => n > 1);
      expect(repeated).toEqual([]);
      const services = new Set(lab.requests.map((r) => r.service));
      for (const s of ['erp', 'token', 'graph', 'exchange', 'dns'] as const) expect(services).toContain(s);
    } finally {
      await lab.stop();
    }
  });
});
