import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startLab } from '../../lab/index.js';
import { labIssuedTokens } from '../../lab/issued-tokens.js';
import { Secrets } from '../../src/config/secret.js';
import { runCli } from './io.js';

/**
 * Secrets never leave: run the bot through passing, failing and erroring scenarios, with secrets
 * inline (the lab's own config) and by reference (env:, file:), at debug log level, and scan
 * everything printed for every secret value this process has seen (each lab seeds fresh ones) and
 * every access token the labs issued.
 */
describe('secrets in output', () => {
  const scenarios = ['healthy', 'erp-bad-credentials', 'exo-forbidden', 'connector-ip-missing', 'erp-down'];

  for (const scenario of scenarios) {
    it(`never prints a secret value (${scenario})`, async () => {
      const issuedBefore = new Set(labIssuedTokens());
      const lab = await startLab({ scenario });
      const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
      // biome-ignore lint/suspicious/noExplicitAny: the YAML-shaped lab config is edited freely here
      const cfg = structuredClone(lab.config) as { tenants: Record<string, any>[]; [k: string]: unknown };
      const tenant = cfg.tenants[0]!;
      const referenced: string[] = [String(tenant.microsoft.clientSecret)];
      writeFileSync(join(dir, 'client.secret'), referenced[0]!);
      tenant.microsoft.clientSecret = `file:${join(dir, 'client.secret')}`;
      const env: NodeJS.ProcessEnv = {};
      for (const key of ['password', 'apiKey'] as const) {
        if (typeof tenant.erp[key] === 'string') {
          referenced.push(tenant.erp[key]);
          env[`LAB_ERP_${key.toUpperCase()}`] = tenant.erp[key];
          tenant.erp[key] = `env:LAB_ERP_${key.toUpperCase()}`;
        }
      }
      cfg.log = { level: 'debug' };
      writeFileSync(join(dir, 'mailsetup.yaml'), stringify(cfg));
      try {
        const outputs = [
          await runCli(['status', '--lab', scenario, '--json']),
          await runCli(['status', '--lab', scenario]),
          await runCli(['status', '--config', join(dir, 'mailsetup.yaml'), '--json'], { env }),
          await runCli(['check', 'erp', '--config', join(dir, 'mailsetup.yaml')], { env }),
        ];
        const printed = outputs.map((o) => o.stdout + o.stderr).join('\n');
        expect(printed).toContain('erp-reachable');
        // Every token the labs issued during these runs (the CLI's --lab starts its own): Microsoft
        // tokens from the token endpoint and the ERP's IMAP OAuth tokens.
        const issued = labIssuedTokens().filter((t) => !issuedBefore.has(t));
        // Where the ERP answers, its "Test & Confirm" logs into the catch-all mailbox with OAuth.
        const erpAnswers = !['erp-bad-credentials', 'erp-down'].includes(scenario);
        expect(
          issued.some((t) => t.startsWith('lab-imap-')),
          "the ERP's IMAP tokens",
        ).toBe(erpAnswers);
        expect(issued.filter((t) => !t.startsWith('lab-imap-')).length, 'Microsoft tokens').toBeGreaterThan(0);
        const seen = [...Secrets.values, ...referenced, ...issued];
        expect(seen.length).toBeGreaterThanOrEqual(4);
        for (const secret of seen) expect(printed, 'a secret value was printed').not.toContain(secret);
      } finally {
        await lab.stop();
      }
    });
  }
});
