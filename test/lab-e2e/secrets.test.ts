import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { chatLab, postSlashCommand } from '../../lab/chat/index.js';
import { startLab } from '../../lab/index.js';
import { labIssuedTokens } from '../../lab/issued-tokens.js';
import { startApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { Secrets } from '../../src/config/secret.js';
import { createLogger } from '../../src/log.js';
import { Metrics } from '../../src/service/metrics.js';
import { waitFor } from '../chat/helpers.js';
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

/**
 * The running bot's JSON log (one line per command, per failed outside read, the front ends' own
 * lines), at debug level, through scenarios where the outside services refuse the bot's secrets.
 */
describe('secrets in the bot log', () => {
  for (const scenario of ['erp-bad-credentials', 'exo-forbidden', 'erp-down']) {
    it(`never logs a secret value (${scenario})`, async () => {
      const lab = await startLab({ scenario });
      const chat = chatLab(lab.state)!;
      // The bot's own logger (redaction on), at debug level.
      const lines: string[] = [];
      const logger = createLogger('debug', new Writable({ write: (chunk, _e, cb) => cb(void lines.push(String(chunk))) }));
      const config = parseConfig({ ...lab.config, slack: { ...chat.slackConfig('http'), port: undefined } }, { env: {} });
      const input = new PassThrough();
      input.end();
      const app = await startApp({
        config,
        input,
        output: new Writable({ write: (_c, _e, cb) => cb() }),
        interactive: false,
        console: false,
        logger,
        metrics: new Metrics({ processMetrics: false }),
      });
      try {
        const url = `http://127.0.0.1:${app.ports.http}/slack/events`;
        expect((await postSlashCommand(url, chat.slack, { text: 'status' })).status).toBe(200);
        await waitFor(() => lines.some((l) => l.includes('"verb":"status"')), 20_000, 'the command log line');
        const logged = lines.join('\n');
        expect(logged).toContain('outside call failed');
        const seen = [...Secrets.values, ...labIssuedTokens(), chat.slack.identity.botToken, chat.slack.identity.signingSecret];
        for (const secret of seen) expect(logged, 'a secret value was logged').not.toContain(secret);
      } finally {
        await app.stop();
        await lab.stop();
      }
    }, 40_000);
  }
});
