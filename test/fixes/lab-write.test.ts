import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { labBot } from './lab-fix.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
  throw new Error('the call was accepted');
}

describe("the lab's Exchange admin endpoint answers write cmdlets as Exchange does", () => {
  it('changes its state, so the next Get and the MX see it', async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    const { adapters, tenant } = labBot(lab);
    await adapters.exchange.invoke('Set-CASMailbox', { Identity: tenant.catchallMailbox, ImapEnabled: true });
    expect((await adapters.exchange.getCasMailbox(tenant.catchallMailbox))?.ImapEnabled).toBe(true);
  });

  it('edits a multi-valued property with {Add, Remove}', async () => {
    lab = await startLab({ scenario: 'connector-extra-ip' });
    const { adapters } = labBot(lab);
    await adapters.exchange.invoke('Set-InboundConnector', {
      Identity: 'Twenty20 ERP relay',
      SenderIPAddresses: { Add: ['203.0.113.11'], Remove: ['198.51.100.0/24'] },
    });
    const [connector] = await adapters.exchange.getInboundConnectors();
    expect(connector?.SenderIPAddresses).toEqual(['203.0.113.10', '203.0.113.11']);
  });

  it('refuses an unknown parameter with Exchange’s text and changes nothing', async () => {
    lab = await startLab();
    const { adapters } = labBot(lab);
    const error = await rejection(
      adapters.exchange.invoke('Set-AcceptedDomain', { Identity: 'contoso.test', DomainKind: 'Authoritative' }),
    );
    expect(error.message).toContain("A parameter cannot be found that matches parameter name 'DomainKind'.");
    expect(lab.state.microsoft.exchange.acceptedDomains[0]?.DomainType).toBe('InternalRelay');
  });

  it('refuses a value outside the parameter’s enum', async () => {
    lab = await startLab();
    const { adapters } = labBot(lab);
    const error = await rejection(adapters.exchange.invoke('Set-AcceptedDomain', { Identity: 'contoso.test', DomainType: 'Open' }));
    expect(error.message).toContain('Unable to match the identifier name Open to a valid enumerator name');
  });

  it('refuses a name that is taken', async () => {
    lab = await startLab();
    const { adapters } = labBot(lab);
    const error = await rejection(
      adapters.exchange.invoke('New-InboundConnector', {
        Name: 'Twenty20 ERP relay',
        ConnectorType: 'OnPremises',
        SenderDomains: ['*'],
        SenderIPAddresses: ['203.0.113.10'],
      }),
    );
    expect(error.message).toContain('The inbound connector "Twenty20 ERP relay" already exists.');
    expect(lab.state.microsoft.exchange.inboundConnectors).toHaveLength(1);
  });

  it('answers an object that does not exist with ManagementObjectNotFoundException', async () => {
    lab = await startLab();
    const { adapters } = labBot(lab);
    const error = await rejection(adapters.exchange.invoke('Enable-TransportRule', { Identity: 'No such rule' }));
    expect(error).toEqual({ code: 'NotFound', message: expect.stringContaining("object 'No such rule' couldn't be found") });
  });

  it('refuses every write without an Exchange role (exo-forbidden), naming what is missing', async () => {
    lab = await startLab({ scenario: 'exo-forbidden' });
    const { adapters, tenant } = labBot(lab);
    const error = await rejection(adapters.exchange.invoke('Set-CASMailbox', { Identity: tenant.catchallMailbox, ImapEnabled: false }));
    expect(error.code).toBe('InsufficientPermission');
    expect(lab.state.microsoft.exchange.mailboxes.find((m) => m.PrimarySmtpAddress === tenant.catchallMailbox)?.ImapEnabled).toBe(true);
  });
});

describe("the lab ERP's write side honours access rights", () => {
  it('write, create and set_param change records for a user with Settings', async () => {
    lab = await startLab({ scenario: 'erp-base-url-not-frozen' });
    const { adapters } = labBot(lab);
    const [server] = await adapters.erp.outgoingServers();
    expect(await adapters.erp.write('ir.mail_server', [server!.id], { smtp_port: 26 })).toBe(true);
    expect((await adapters.erp.outgoingServers())[0]?.smtpPort).toBe(26);
    const id = await adapters.erp.create('mail.template', { name: 'Probe template', model: 'crm.lead' });
    expect(lab.state.erp.templates.find((t) => t.id === id)?.name).toBe('Probe template');
    expect(await adapters.erp.call('ir.config_parameter', 'set_param', undefined, { key: 'web.base.url.freeze', value: 'True' })).toBe(
      false,
    );
    expect(await adapters.erp.systemParams(['web.base.url.freeze'])).toEqual({ 'web.base.url.freeze': 'True' });
  });

  it('a user without Settings gets Odoo’s AccessError and nothing changes', async () => {
    lab = await startLab({ scenario: 'erp-bot-not-admin' });
    const { adapters } = labBot(lab);
    const error = await rejection(
      adapters.erp.call('ir.config_parameter', 'set_param', undefined, { key: 'web.base.url.freeze', value: 'False' }),
    );
    expect(error.message).toContain("You are not allowed to write 'System Parameter' (ir.config_parameter) records");
    expect(lab.state.erp.params.find((p) => p.key === 'web.base.url.freeze')?.value).toBe('True');
  });

  it('a model anyone may read is written only with its group (res.company: Access Rights)', async () => {
    lab = await startLab({ scenario: 'erp-bot-not-admin' });
    const { adapters } = labBot(lab);
    const [company] = await adapters.erp.searchRead('res.company', [], ['name']);
    const error = await rejection(adapters.erp.write('res.company', [company!.id], { email: 'it@contoso.test' }));
    expect(error.message).toContain("You are not allowed to write 'Companies' (res.company) records");
  });

  it('create refuses a record without its mandatory fields, as Odoo does', async () => {
    lab = await startLab();
    const { adapters } = labBot(lab);
    const error = await rejection(adapters.erp.create('ir.mail_server', { smtp_port: 25 }));
    expect(error.message).toContain('a mandatory field is not set');
  });
});

describe('a fault on the n-th write call', () => {
  it('fails only the second write; reads and the other writes go through', async () => {
    lab = await startLab({ faults: [{ service: 'exchange', nthWrite: 2, kind: 'status', status: 503 }] });
    const { adapters, tenant } = labBot(lab);
    await adapters.exchange.invoke('Set-CASMailbox', { Identity: tenant.catchallMailbox, PopEnabled: true });
    await adapters.exchange.getInboundConnectors();
    const second = await rejection(adapters.exchange.invoke('Set-CASMailbox', { Identity: tenant.catchallMailbox, ImapEnabled: false }));
    await adapters.exchange.invoke('Set-AcceptedDomain', { Identity: tenant.domain, MatchSubDomains: true });
    const mailbox = lab.state.microsoft.exchange.mailboxes.find((m) => m.PrimarySmtpAddress === tenant.catchallMailbox);
    expect({
      error: second.code,
      pop: mailbox?.PopEnabled,
      imap: mailbox?.ImapEnabled,
      sub: lab.state.microsoft.exchange.acceptedDomains[0]?.MatchSubDomains,
    }).toEqual({
      error: 'AdapterUnavailable',
      pop: true,
      imap: true,
      sub: true,
    });
  });

  it('counts ERP writes (write, create, set_param, buttons), not reads', async () => {
    lab = await startLab({ faults: [{ service: 'erp', nthWrite: 1, kind: 'status', status: 500 }] });
    const { adapters } = labBot(lab);
    const servers = await adapters.erp.outgoingServers();
    const error = await rejection(adapters.erp.write('ir.mail_server', [servers[0]!.id], { smtp_port: 2525 }));
    expect(error.message).not.toBe('');
    expect(lab.state.erp.mailServers[0]?.smtp_port).toBe(25);
    expect(await adapters.erp.write('ir.mail_server', [servers[0]!.id], { smtp_port: 2525 })).toBe(true);
  });
});
