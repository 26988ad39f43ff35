import { request } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type LabControl, startLabControl } from '../../lab/control.js';
import { type Lab, startLab } from '../../lab/index.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { runReport } from '../../src/commands/run-report.js';
import { parseConfig } from '../../src/config/load.js';
import { createCore } from '../../src/core.js';
import { runCli, spawnCli } from '../lab-e2e/io.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** One HTTP exchange with the control endpoint, headers as given (node:http: fetch would fix the Host). */
function call(url: string, method: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function failingChecks(config: ReturnType<typeof parseConfig>, tenant = 0): Promise<string[]> {
  const core = createCore({ config, logger: pino({ level: 'silent' }), catalogue: CATALOGUE });
  const { report } = await runReport({ core, actor: { platform: 'cli', userId: 'control' } }, config.tenants[tenant]!, CATALOGUE);
  return report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id);
}

describe('the lab control endpoint (in process)', () => {
  let lab: Lab;
  let control: LabControl;
  beforeAll(async () => {
    lab = await startLab({ tenants: 2 });
    control = await startLabControl(lab);
  });
  afterAll(async () => {
    await control.stop();
    await lab.stop();
  });

  it('POST /scenario switches a tenant, GET /scenario lists every tenant', async () => {
    const url = `${control.url}/scenario`;
    expect(await call(url, 'POST', JSON.stringify({ name: 'connector-ip-missing', tenant: 'tenant-002' }))).toEqual({
      status: 200,
      body: { scenario: 'connector-ip-missing', tenant: 'tenant-002' },
    });
    expect(await call(url, 'POST', JSON.stringify({ name: 'spf-missing' }))).toEqual({
      status: 200,
      body: { scenario: 'spf-missing', tenant: 'contoso' },
    });
    expect(await call(url, 'GET')).toEqual({
      status: 200,
      body: {
        tenants: [
          { tenant: 'contoso', scenario: 'spf-missing' },
          { tenant: 'tenant-002', scenario: 'connector-ip-missing' },
        ],
      },
    });
    expect(lab.state.dns.records['contoso.test']?.some((r) => r.type === 'TXT' && r.data.startsWith('v=spf1'))).toBe(false);
  });

  it('an unknown scenario or tenant, or a body that is not {name, tenant?}, is a 400 with the sentence', async () => {
    const url = `${control.url}/scenario`;
    const unknown = await call(url, 'POST', JSON.stringify({ name: 'nope' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/^There is no lab scenario called "nope"\. Scenarios: healthy, /);
    expect(await call(url, 'POST', JSON.stringify({ name: 'healthy', tenant: 'fabrikam' }))).toEqual({
      status: 400,
      body: { error: 'The lab has no tenant called "fabrikam". Tenants: contoso, tenant-002.' },
    });
    for (const body of ['{"name":', '[]', '{}', '{"name": "healthy", "tenant": 3}', '{"name": "healthy", "force": true}']) {
      const answer = await call(url, 'POST', body);
      expect(answer.status, body).toBe(400);
      expect(answer.body.error, body).toMatch(/^[^\n]+ Send \{"name": "<scenario>"\} and optionally "tenant": "<tenant>"\.$/);
    }
  });

  it('JSON only, 4 KB at most, loopback Host only, /scenario only', async () => {
    const url = `${control.url}/scenario`;
    expect((await call(url, 'POST', 'name=healthy', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await call(url, 'POST', JSON.stringify({ name: 'healthy', pad: 'x'.repeat(5000) }))).status).toBe(413);
    expect((await call(url, 'GET', undefined, { Host: 'evil.example' })).status).toBe(421);
    expect((await call(`${control.url}/other`, 'GET')).status).toBe(404);
    expect((await call(url, 'DELETE')).status).toBe(405);
    expect(lab.scenarios().map((s) => s.scenario)).toEqual(['spf-missing', 'connector-ip-missing']);
  });
});

describe('mailsetup lab: the control endpoint of the running lab process', () => {
  it('prints the endpoint with its config; a POST breaks the catch-all rule for a bot using that config', async () => {
    const cli = spawnCli(['lab']);
    try {
      const deadline = Date.now() + 20_000;
      while (!/# List them: curl (\S+)/.test(cli.stdout()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /# List them: curl (\S+)/.exec(cli.stdout())?.[1];
      expect(url, cli.stderr()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scenario$/);
      // The printed text is YAML (comments first) the bot can load; the lab process is cold (tsx), so wait longer.
      const printed = parseYaml(cli.stdout()) as { timeouts: { fetchMs: number } };
      printed.timeouts.fetchMs = 15_000;
      const config = parseConfig(printed, { env: {} });
      expect(await failingChecks(config)).toEqual([]);
      expect(await call(url!, 'POST', JSON.stringify({ name: 'catchall-rule-disabled' }))).toEqual({
        status: 200,
        body: { scenario: 'catchall-rule-disabled', tenant: 'contoso' },
      });
      expect(await failingChecks(config)).toEqual(['exchange-catchall-rule']);
    } finally {
      cli.child.kill('SIGINT');
      expect((await cli.exited).code).toBe(0);
    }
  }, 60_000);
});

describe('the console that runs the lab: lab scenario', () => {
  it('switches and lists; the next command sees the switch; an unknown name is the sentence', async () => {
    const run = await runCli(['start'], {
      stdin:
        'lab scenario catchall-rule-disabled\ncheck exchange-catchall-rule\nlab scenario\nlab scenario nope\nlab scenario healthy contoso\ncheck exchange-catchall-rule\n',
    });
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain('Tenant contoso is now in scenario "catchall-rule-disabled": ');
    expect(out).toContain('contoso: catchall-rule-disabled');
    expect(out).toMatch(/There is no lab scenario called "nope"\. Scenarios: healthy, /);
    expect(out).toContain('Tenant contoso is now in scenario "healthy": ');
    const [failing, passing] = out.split('Tenant contoso is now in scenario "healthy"');
    expect(failing).toContain('[FAIL]');
    expect(passing).not.toContain('[FAIL]');
  }, 60_000);
});
