import { afterEach, describe, expect, it } from 'vitest';
import { setErpVersion } from '../../../lab/erp/state.js';
import { type Lab, startLab } from '../../../lab/index.js';
import { runErpChecks } from './run-erp.js';

/** What the checks tell the admin to do names only what the detected ERP version has. */
let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function texts(version: number, scenario: string): Promise<Record<string, string>> {
  lab = await startLab({ scenario });
  setErpVersion(lab.state.erp, version);
  const report = await runErpChecks(lab);
  return Object.fromEntries(
    report.checks.map((c) => [c.id, `${c.detail}\n${c.remediation?.manual ?? ''}\n${c.remediation?.command ?? ''}`]),
  );
}

describe('version names in the wording match the ERP', () => {
  it('a 13 ERP with password IMAP is told about the Outlook flag, not the 16+ server type', async () => {
    const said = await texts(13, 'erp-incoming-basic-auth');
    for (const id of ['erp-incoming-server', 'erp-incoming-test']) {
      expect(said[id]).toMatch(/use_microsoft_outlook_service|use Microsoft Outlook service/);
      expect(said[id]).not.toMatch(/16\+|server_type|"Outlook" \(/);
    }
  });

  it('a 16 ERP with password IMAP is told about the Outlook server type only', async () => {
    const said = await texts(16, 'erp-incoming-basic-auth');
    for (const id of ['erp-incoming-server', 'erp-incoming-test']) {
      expect(said[id]).toMatch(/server_type "outlook"|server type "Outlook"/);
      expect(said[id]).not.toMatch(/12–15|use Microsoft Outlook service|use_microsoft_outlook_service/);
    }
  });

  it('a 13 ERP refusing the login is not told about API keys (14+)', async () => {
    const said = await texts(13, 'erp-bad-credentials');
    expect(said['erp-reachable']).toMatch(/password/);
    expect(said['erp-reachable']).not.toMatch(/API key|14\+|19\+/);
  });
});
