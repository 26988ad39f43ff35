import type { ExchangeAdminPort } from '../../../src/adapters/exchange/port.js';
import type {
  AcceptedDomain,
  CasMailbox,
  DynamicDistributionGroup,
  InboundConnector,
  Mailbox,
  OrganizationConfig,
  Recipient,
  TransportRule,
} from '../../../src/adapters/exchange/types.js';
import type { GraphPort } from '../../../src/adapters/graph/port.js';
import type { GraphDomain, GraphUser, LicenseDetail, SubscribedSku } from '../../../src/adapters/graph/types.js';
import type { Adapters } from '../../../src/adapters/index.js';
import { entraChecks } from '../../../src/checks/entra/index.js';
import { exchangeChecks } from '../../../src/checks/exchange/index.js';
import { parseConfig } from '../../../src/config/load.js';
import type { CheckResult } from '../../../src/engine/result.js';
import { runChecks } from '../../../src/engine/run.js';
import type { MailsetupError } from '../../../src/errors.js';

/** The checks' clock: fixtures' dates are relative to it. */
export const NOW = new Date('2026-03-02T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const EXCHANGE_PLAN = {
  servicePlanId: '9aaf7827-d63c-4b61-89c3-182f06f82e5c',
  servicePlanName: 'EXCHANGE_S_STANDARD',
  provisioningStatus: 'Success',
  appliesTo: 'User',
};
const SKU_ID = '3b555118-da6a-4418-894f-7df1e2096870';

export function user(local: string, index: number, createdDaysAgo: number): GraphUser {
  const upn = `${local}@contoso.test`;
  return {
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    userPrincipalName: upn,
    displayName: local,
    mail: upn,
    accountEnabled: true,
    createdDateTime: daysAgo(createdDaysAgo),
    assignedLicenses: [{ skuId: SKU_ID, disabledPlans: [] }],
    assignedPlans: [
      {
        assignedDateTime: daysAgo(createdDaysAgo),
        capabilityStatus: 'Enabled',
        service: 'exchange',
        servicePlanId: EXCHANGE_PLAN.servicePlanId,
      },
    ],
  };
}

export function member(u: GraphUser): Recipient {
  const alias = u.userPrincipalName.split('@')[0] ?? null;
  return {
    Identity: alias,
    Name: alias,
    DisplayName: u.displayName ?? null,
    Alias: alias,
    PrimarySmtpAddress: u.userPrincipalName,
    ExternalDirectoryObjectId: u.id,
    Guid: `${u.id.slice(0, -4)}eeee`,
    RecipientType: 'UserMailbox',
    RecipientTypeDetails: 'UserMailbox',
  };
}

/** The dynamic group as Get-Recipient returns it: Exchange-only, so no Entra object id. */
export const GROUP_RECIPIENT: Recipient = {
  Identity: 'DynamicAllUsers',
  Name: 'DynamicAllUsers',
  DisplayName: 'All Users',
  Alias: 'DynamicAllUsers',
  PrimarySmtpAddress: 'DynamicAllUsers@contoso.test',
  ExternalDirectoryObjectId: null,
  Guid: '8c3f4e5f-0000-4000-8000-0000000ddd01',
  RecipientType: 'DynamicDistributionGroup',
  RecipientTypeDetails: 'DynamicDistributionGroup',
};

/** Get-Recipient's answer: a recipient by any identity Exchange accepts (names, alias, addresses, ids). */
export function findRecipient(recipients: readonly Recipient[], identity: string): Recipient | null {
  const wanted = identity.trim().toLowerCase();
  const names = (r: Recipient) => [r.Identity, r.Name, r.DisplayName, r.Alias, r.PrimarySmtpAddress, r.Guid, r.ExternalDirectoryObjectId];
  return recipients.find((r) => names(r).some((n) => n?.toLowerCase() === wanted)) ?? null;
}

/** What the Microsoft side returns, per port method; `errors` makes a method throw instead. */
export interface MicrosoftFixture {
  connectors: InboundConnector[];
  rules: TransportRule[];
  acceptedDomains: AcceptedDomain[];
  group: DynamicDistributionGroup | null;
  members: Recipient[];
  mailbox: Mailbox | null;
  cas: CasMailbox | null;
  organizationConfig: OrganizationConfig;
  catchallUser: GraphUser | null;
  licenseDetails: LicenseDetail[];
  skus: SubscribedSku[];
  domains: GraphDomain[];
  users: GraphUser[];
  /** Every recipient Get-Recipient knows. */
  recipients: Recipient[];
  /** The identities Get-Recipient was asked for, in order. */
  recipientLookups: string[];
  errors: Partial<Record<keyof ExchangeAdminPort | keyof GraphPort, MailsetupError>>;
}

export function catchallRule(overrides: Partial<TransportRule> = {}): TransportRule {
  return {
    Identity: 'Catchall for Twenty20',
    Name: 'Catchall for Twenty20',
    State: 'Enabled',
    Mode: 'Enforce',
    Priority: 0,
    // As real tenants store them: the recipients' display names.
    RedirectMessageTo: ['ERP Notification'],
    ExceptIfSentToScope: 'NotInOrganization',
    ExceptIfSentToMemberOf: ['All Users'],
    SetAuditSeverity: 'High',
    StopRuleProcessing: true,
    SentTo: null,
    FromScope: null,
    ...overrides,
  };
}

/** The tenant as the integration guide sets it up. */
export function healthyFixture(): MicrosoftFixture {
  const users = [user('erp', 1, 200), user('alice', 2, 400), user('bob', 3, 300)];
  return {
    connectors: [
      {
        Identity: 'Twenty20 ERP relay',
        Name: 'Twenty20 ERP relay',
        Enabled: true,
        ConnectorType: 'OnPremises',
        SenderIPAddresses: ['203.0.113.10'],
        SenderDomains: ['smtp:*;1'],
        TlsSenderCertificateName: null,
        RequireTls: false,
        ConnectorSource: 'Default',
      },
    ],
    rules: [catchallRule()],
    acceptedDomains: [
      { Identity: 'contoso.test', DomainName: 'contoso.test', DomainType: 'InternalRelay', Default: true },
      { Identity: 'contoso.onmicrosoft.com', DomainName: 'contoso.onmicrosoft.com', DomainType: 'Authoritative', Default: false },
    ],
    group: {
      Identity: 'DynamicAllUsers',
      Name: 'DynamicAllUsers',
      DisplayName: 'DynamicAllUsers',
      PrimarySmtpAddress: 'DynamicAllUsers@contoso.test',
      IncludedRecipients: 'MailboxUsers, MailGroups',
      RecipientFilter: "((RecipientType -eq 'UserMailbox'))",
      HiddenFromAddressListsEnabled: true,
      CalculatedMembershipUpdateTime: new Date(NOW.getTime() - 6 * 3600_000).toISOString(),
    },
    members: users.map(member),
    mailbox: {
      Identity: 'erp',
      Name: 'erp',
      PrimarySmtpAddress: 'erp@contoso.test',
      UserPrincipalName: 'erp@contoso.test',
      ExternalDirectoryObjectId: users[0]!.id,
      RecipientTypeDetails: 'UserMailbox',
      IsMailboxEnabled: true,
      WhenMailboxCreated: daysAgo(200),
    },
    cas: { Identity: 'erp', PrimarySmtpAddress: 'erp@contoso.test', ImapEnabled: true, PopEnabled: false },
    organizationConfig: { Identity: 'contoso.onmicrosoft.com', RejectDirectSend: false },
    catchallUser: users[0]!,
    licenseDetails: [{ skuId: SKU_ID, skuPartNumber: 'O365_BUSINESS_ESSENTIALS', servicePlans: [{ ...EXCHANGE_PLAN }] }],
    skus: [
      {
        skuId: SKU_ID,
        skuPartNumber: 'O365_BUSINESS_ESSENTIALS',
        capabilityStatus: 'Enabled',
        consumedUnits: 3,
        prepaidUnits: { enabled: 10 },
        servicePlans: [{ ...EXCHANGE_PLAN }],
      },
    ],
    domains: [
      { id: 'contoso.test', isVerified: true, isDefault: true, supportedServices: ['Email', 'OfficeCommunicationsOnline'] },
      { id: 'contoso.onmicrosoft.com', isVerified: true, isDefault: false, supportedServices: ['Email'] },
    ],
    users,
    recipients: [
      ...users.map((u) => ({ ...member(u), DisplayName: u === users[0] ? 'ERP Notification' : (u.displayName ?? null) })),
      GROUP_RECIPIENT,
    ],
    recipientLookups: [],
    errors: {},
  };
}

function fakeAdapters(f: MicrosoftFixture): Adapters {
  const answer =
    <T>(method: keyof MicrosoftFixture['errors'], value: () => T) =>
    async (): Promise<T> => {
      const error = f.errors[method];
      if (error) throw error;
      return structuredClone(value());
    };
  const exchange: ExchangeAdminPort = {
    invoke: async () => {
      throw new Error('checks must use the typed reads');
    },
    getInboundConnectors: answer('getInboundConnectors', () => f.connectors),
    getTransportRules: answer('getTransportRules', () => f.rules),
    getAcceptedDomains: answer('getAcceptedDomains', () => f.acceptedDomains),
    getDynamicDistributionGroup: answer('getDynamicDistributionGroup', () => f.group),
    getDynamicDistributionGroupMembers: answer('getDynamicDistributionGroupMembers', () => f.members),
    getMailbox: answer('getMailbox', () => f.mailbox),
    getCasMailbox: answer('getCasMailbox', () => f.cas),
    getOrganizationConfig: answer('getOrganizationConfig', () => f.organizationConfig),
    getRecipient: async (identity) => {
      f.recipientLookups.push(identity);
      const error = f.errors.getRecipient;
      if (error) throw error;
      return structuredClone(findRecipient(f.recipients, identity));
    },
  };
  const graph: GraphPort = {
    getUser: answer('getUser', () => f.catchallUser),
    listUsers: answer('listUsers', () => f.users),
    listLicenseDetails: answer('listLicenseDetails', () => f.licenseDetails),
    listSubscribedSkus: answer('listSubscribedSkus', () => f.skus),
    listDomains: answer('listDomains', () => f.domains),
    listGroupUserMembers: answer('listGroupUserMembers', () => null),
  };
  return { exchange, graph } as unknown as Adapters;
}

function config(tenant: Record<string, unknown>) {
  return parseConfig({
    tenants: [
      {
        name: 'contoso',
        domain: 'contoso.test',
        tenantId: '7e1b3c52-8d2a-4f4e-9a61-0c2d5e8f9a10',
        catchallMailbox: 'erp@contoso.test',
        erpEgressIps: ['203.0.113.10'],
        microsoft: { clientId: 'a3c5e7f9-1b2d-4e6f-8a0c-2e4f6a8c0e1f', clientSecret: 'fixture-secret' },
        erp: {
          url: 'https://erp.contoso.test',
          database: 'prod',
          login: 'bot',
          apiKey: 'fixture-key',
          publicUrl: 'https://erp.contoso.test',
        },
        ...tenant,
      },
    ],
  });
}

/** Runs one check (and its dependencies) through the engine over the fixture. */
export async function runCheck(id: string, fixture: MicrosoftFixture, tenant: Record<string, unknown> = {}): Promise<CheckResult> {
  const catalogue = [...exchangeChecks, ...entraChecks];
  const check = catalogue.find((c) => c.meta.id === id);
  if (!check) throw new Error(`no check ${id}`);
  const parsed = config(tenant);
  const report = await runChecks({
    checks: [check],
    catalogue,
    adapters: fakeAdapters(fixture),
    tenant: parsed.tenants[0]!,
    services: parsed.services,
    timeouts: parsed.timeouts,
    now: () => NOW,
  });
  return report.checks[0]!;
}
