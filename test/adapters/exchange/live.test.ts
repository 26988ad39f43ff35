import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/index.js';
import { EXCHANGE_LAB_PAGE_SIZE } from '../../../lab/microsoft/exchange.js';
import { createExchangeAdapter } from '../../../src/adapters/exchange/live.js';
import type { ExchangeAdminPort } from '../../../src/adapters/exchange/port.js';
import { createTokenProvider } from '../../../src/adapters/microsoft/tokens.js';
import { MailsetupError } from '../../../src/errors.js';
import { adapterOptions, labConfig } from '../../lab/microsoft/harness.js';

let lab: Lab;
let exchange: ExchangeAdminPort;

beforeAll(async () => {
  lab = await startLab();
  const options = adapterOptions(labConfig(lab, {}, { fetchMs: 1000 }));
  exchange = createExchangeAdapter(options, createTokenProvider(options));
});
afterAll(async () => {
  await lab.stop();
});

async function failure(promise: Promise<unknown>): Promise<MailsetupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailsetupError);
  return error as MailsetupError;
}

describe('Exchange admin adapter against the lab', () => {
  it('reads connectors, rules, domains and the organization config with their real property names', async () => {
    expect(await exchange.getInboundConnectors()).toEqual([
      expect.objectContaining({
        Name: 'Twenty20 ERP relay',
        Enabled: true,
        ConnectorType: 'OnPremises',
        SenderIPAddresses: ['203.0.113.10'],
      }),
    ]);
    expect((await exchange.getTransportRules())[0]).toMatchObject({
      Name: 'Catchall for Twenty20',
      State: 'Enabled',
      Mode: 'Enforce',
      // As real tenants return them: the recipients' display names.
      RedirectMessageTo: ['ERP Notification'],
      ExceptIfSentToMemberOf: ['All Users'],
      StopRuleProcessing: true,
    });
    expect(await exchange.getAcceptedDomains()).toContainEqual(
      expect.objectContaining({ DomainName: 'contoso.test', DomainType: 'InternalRelay' }),
    );
    expect(await exchange.getOrganizationConfig()).toMatchObject({ RejectDirectSend: false });
  });

  it('reads one object by identity, and null when Exchange does not know it', async () => {
    expect(await exchange.getMailbox('erp@contoso.test')).toMatchObject({
      PrimarySmtpAddress: 'erp@contoso.test',
      RecipientTypeDetails: 'UserMailbox',
    });
    expect(await exchange.getCasMailbox('erp@contoso.test')).toMatchObject({ ImapEnabled: true });
    expect(await exchange.getMailbox('ghost@contoso.test')).toBeNull();
    expect(await exchange.getDynamicDistributionGroup('NoSuchGroup')).toBeNull();
  });

  it('resolves a recipient identity (display name, alias, address, Guid) with Get-Recipient, and null when none has it', async () => {
    const erp = await exchange.getRecipient('ERP Notification');
    expect(erp).toMatchObject({ PrimarySmtpAddress: 'erp@contoso.test', RecipientType: 'UserMailbox' });
    expect(erp?.ExternalDirectoryObjectId).toBeTruthy();
    for (const identity of ['erp', 'ERP@contoso.test', erp?.Guid as string]) {
      expect(await exchange.getRecipient(identity)).toMatchObject({ ExternalDirectoryObjectId: erp?.ExternalDirectoryObjectId });
    }
    expect(await exchange.getRecipient('All Users')).toMatchObject({
      PrimarySmtpAddress: 'DynamicAllUsers@contoso.test',
      RecipientType: 'DynamicDistributionGroup',
    });
    expect(await exchange.getRecipient('ERP Notifications (old)')).toBeNull();
    expect(lab.state.microsoft.receivedCommands.at(-1)).toEqual({
      CmdletName: 'Get-Recipient',
      Parameters: { Identity: 'ERP Notifications (old)' },
    });
  });

  it('with a partial role set, only the cmdlets of the missing role fail, naming the role group', async () => {
    const roles = lab.state.microsoft.appRoles.exchangeRoles;
    lab.state.microsoft.appRoles.exchangeRoles = roles.filter((r) => r !== 'View-Only Recipients' && r !== 'Mail Recipients');
    try {
      expect((await exchange.getTransportRules()).length).toBeGreaterThan(0);
      const hidden = await failure(exchange.getRecipient('ERP Notification'));
      expect(hidden.code).toBe('InsufficientPermission');
      expect(hidden.userMessage).toContain("The term 'Get-Recipient' is not recognized as a name of a cmdlet");
      expect(hidden.userMessage).toContain('"View-Only Organization Management"');
      expect(hidden.userMessage).toContain('"View-Only Recipients"');
    } finally {
      lab.state.microsoft.appRoles.exchangeRoles = roles;
    }
  });

  it('pages the group members by re-posting the same CmdletInput', async () => {
    const before = lab.state.microsoft.receivedCommands.length;
    const members = await exchange.getDynamicDistributionGroupMembers('DynamicAllUsers');
    const expected = lab.state.microsoft.exchange.dynamicGroups[0]?.members ?? [];
    expect(expected.length).toBeGreaterThan(EXCHANGE_LAB_PAGE_SIZE);
    expect(members.map((m) => m.PrimarySmtpAddress)).toEqual(expected);
    const received = lab.state.microsoft.receivedCommands.slice(before);
    expect(received).toHaveLength(2);
    expect(received[1]).toEqual(received[0]);
  });

  it('passes a hostile identity as an inert JSON string', async () => {
    const hostile = "x'; Remove-TransportRule -Identity *";
    const rules = lab.state.microsoft.exchange.transportRules.length;
    const error = await failure(exchange.invoke('Get-TransportRule', { Identity: hostile }));
    expect(error.code).toBe('NotFound');
    expect(error.userMessage).toContain(hostile);
    expect(lab.state.microsoft.receivedCommands.at(-1)).toEqual({ CmdletName: 'Get-TransportRule', Parameters: { Identity: hostile } });
    expect(lab.state.microsoft.exchange.transportRules).toHaveLength(rules);
  });

  it('names Exchange.ManageAsApp and the role when the app is refused', async () => {
    lab.state.microsoft.appRoles.exchangeRole = false;
    try {
      const forbidden = await failure(exchange.getTransportRules());
      expect(forbidden.code).toBe('InsufficientPermission');
      expect(forbidden.userMessage).toContain("isn't supported in this scenario");
      expect(forbidden.userMessage).toContain('Global Reader');
      expect(forbidden.userMessage).toContain('Exchange.ManageAsApp');
    } finally {
      lab.state.microsoft.appRoles.exchangeRole = true;
    }
    lab.state.microsoft.appRoles.exchangeManageAsApp = false;
    try {
      expect((await failure(exchange.getOrganizationConfig())).code).toBe('InsufficientPermission');
    } finally {
      lab.state.microsoft.appRoles.exchangeManageAsApp = true;
    }
  });

  it('honours 429 Retry-After from the admin endpoint', async () => {
    const from = lab.requests.length;
    lab.inject({ service: 'exchange', match: 'Get-AcceptedDomain', kind: 'status', status: 429, retryAfterSeconds: 0, times: 1 });
    expect((await exchange.getAcceptedDomains()).length).toBe(2);
    expect(lab.requests.slice(from).filter((r) => r.service === 'exchange' && r.key.startsWith('Get-AcceptedDomain'))).toHaveLength(2);
  });

  it('maps outages, garbled answers and timeouts to coded errors', async () => {
    lab.inject({ service: 'exchange', match: 'Get-OrganizationConfig', kind: 'status', status: 500, times: 1 });
    expect((await failure(exchange.getOrganizationConfig())).code).toBe('AdapterUnavailable');
    lab.inject({ service: 'exchange', match: 'Get-OrganizationConfig', kind: 'malformed', times: 1 });
    expect((await failure(exchange.getOrganizationConfig())).code).toBe('GarbledResponse');
    lab.inject({ service: 'exchange', match: 'Get-OrganizationConfig', kind: 'timeout', times: 1 });
    expect((await failure(exchange.getOrganizationConfig())).code).toBe('AdapterTimeout');
  });
});
