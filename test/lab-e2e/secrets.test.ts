import { describe, expect, it } from 'vitest';
import { startLab } from '../../lab/index.js';
import { runCli } from './io.js';

/**
 * Secrets never leave: run the bot through failing and erroring scenarios, with secrets inline and
 * by reference, and scan everything it printed (stdout, stderr, JSON) for the seeded values.
 */
describe('secrets in output', () => {
  const scenarios = ['healthy', 'erp-bad-credentials', 'exo-forbidden', 'connector-ip-missing', 'erp-down'];

  for (const scenario of scenarios) {
    it(`never prints a secret value (${scenario})`, async () => {
      // The lab seeds fresh secrets each start; read them from a lab of the same scenario.
      const lab = await startLab({ scenario });
      const t = lab.config.tenants[0] as { microsoft: { clientSecret: string }; erp: { password?: string; apiKey?: string } };
      const seeded = [t.microsoft.clientSecret, t.erp.password, t.erp.apiKey, lab.state.tenant.clientSecret].filter(
        (s): s is string => typeof s === 'string' && s.length > 0,
      );
      await lab.stop();
      const { writeFileSync, mkdtempSync } = await import('node:fs');
      const { stringify } = await import('yaml');
      const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/secrets-`);
      // Same config, the ERP password by env reference and the client secret from a file.
      const lab2 = await startLab({ scenario });
      const cfg = structuredClone(lab2.config) as typeof lab2.config & { tenants: Record<string, any>[] };
      const erp = cfg.tenants[0]!.erp as Record<string, string>;
      const secretValues = [String(cfg.tenants[0]!.microsoft.clientSecret), erp.password ?? erp.apiKey ?? ''];
      writeFileSync(`${dir}/client.secret`, secretValues[0]!);
      cfg.tenants[0]!.microsoft.clientSecret = `file:${dir}/client.secret`;
      const env: NodeJS.ProcessEnv = {};
      if (erp.password) {
        env.LAB_ERP_PASSWORD = erp.password;
        erp.password = 'env:LAB_ERP_PASSWORD';
      }
      cfg.log = { level: 'debug' };
      writeFileSync(`${dir}/mailsetup.yaml`, stringify(cfg));
      try {
        const outputs = [
          await runCli(['status', '--lab', scenario, '--json']),
          await runCli(['status', '--lab', scenario]),
          await runCli(['status', '--config', `${dir}/mailsetup.yaml`, '--json'], { env }),
          await runCli(['check', 'erp', '--config', `${dir}/mailsetup.yaml`], { env }),
        ];
        const printed = outputs.map((o) => o.stdout + o.stderr).join('\n');
        expect(printed.length).toBeGreaterThan(100);
        for (const secret of [...seeded, ...secretValues].filter((s) => s.length >= 4)) expect(printed).not.toContain(secret);
      } finally {
        await lab2.stop();
      }
    });
  }
});
