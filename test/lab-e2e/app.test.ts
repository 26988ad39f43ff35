import { PassThrough, Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatLab, postSlashCommand } from '../../lab/chat/index.js';
import { type Lab, startLab } from '../../lab/index.js';
import { type App, startApp } from '../../src/app.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { parseConfig } from '../../src/config/load.js';
import { slackText, waitFor } from '../chat/helpers.js';

/** The composition root starts the configured front ends from config alone (Slack over HTTP here). */
describe('startApp with Slack configured', () => {
  let lab: Lab;
  let app: App;

  beforeAll(async () => {
    lab = await startLab({ scenario: 'connector-ip-missing' });
    const chat = chatLab(lab.state)!;
    const config = parseConfig({ ...lab.config, slack: chat.slackConfig('http', 0) }, { env: {} });
    const input = new PassThrough();
    input.end();
    app = await startApp({
      config,
      input,
      output: new Writable({ write: (_c, _e, cb) => cb() }),
      interactive: false,
      console: false,
      logger: pino({ level: 'silent' }),
    });
  }, 30_000);

  afterAll(async () => {
    await app?.stop();
    await lab?.stop();
  });

  it('answers a signed /mailsetup status over HTTP and posts the final summary to Slack', async () => {
    const chat = chatLab(lab.state)!;
    expect(app.ports.slack).toBeGreaterThan(0);
    const res = await postSlashCommand(`http://127.0.0.1:${app.ports.slack}/slack/events`, chat.slack, { text: 'status' });
    expect(res.status).toBe(200);
    const final = await waitFor(
      () => chat.slack.calls.find((c) => c.method === 'chat.update' && /^\d+ failing/.test(String(c.args.text ?? ''))),
      15_000,
    );
    // status sends no mail: the end-to-end test is skipped until test-email has run.
    expect(String(final.args.text)).toBe(`2 failing, ${CATALOGUE.length - 3} passing, 1 skipped — connector IPs, ERP outgoing test`);
    expect(slackText(final.args.blocks as unknown[])).toContain('Set-InboundConnector');
  });
});
