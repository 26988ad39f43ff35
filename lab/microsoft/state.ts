import type { LabTenant } from '../tenant.js';

/**
 * The simulated Microsoft 365 tenant: Graph objects and Exchange Online objects, with the real
 * property names (they are what `Get-*` returns and `Set-*` takes). The lab MX reads the same state
 * to apply connectors, the accepted domain and transport rules.
 */
export interface GraphUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  accountEnabled: boolean;
  createdDateTime: string;
  assignedLicenses: { skuId: string; disabledPlans: string[] }[];
  /** The service plans assigned to the user and when (`service: 'exchange'` for a mailbox). */
  assignedPlans?: { assignedDateTime: string; capabilityStatus: string; service: string; servicePlanId: string }[];
  /** licenseDetails: per SKU, the service plans and their provisioning. */
  licenseDetails: {
    id: string;
    skuId: string;
    skuPartNumber: string;
    servicePlans: { servicePlanId: string; servicePlanName: string; provisioningStatus: string; appliesTo: string }[];
  }[];
}

export interface SubscribedSku {
  id: string;
  skuId: string;
  skuPartNumber: string;
  capabilityStatus: 'Enabled' | 'Warning' | 'Suspended' | 'Deleted' | 'LockedOut';
  consumedUnits: number;
  prepaidUnits: { enabled: number; suspended: number; warning: number };
  servicePlans: { servicePlanId: string; servicePlanName: string; provisioningStatus: string; appliesTo: string }[];
}

export interface GraphDomain {
  id: string;
  isVerified: boolean;
  isDefault: boolean;
  isInitial: boolean;
  authenticationType: 'Managed' | 'Federated';
  supportedServices: string[];
}

export interface InboundConnector {
  Identity: string;
  Name: string;
  Guid: string;
  Enabled: boolean;
  ConnectorType: 'OnPremises' | 'Partner';
  ConnectorSource: 'Default' | 'Migrated' | 'HybridWizard';
  SenderIPAddresses: string[];
  SenderDomains: string[];
  RequireTls: boolean;
  RestrictDomainsToIPAddresses: boolean;
  RestrictDomainsToCertificate: boolean;
  TlsSenderCertificateName: string | null;
  CloudServicesMailEnabled: boolean;
  TreatMessagesAsInternal: boolean;
  AssociatedAcceptedDomains: string[];
}

export interface TransportRule {
  Identity: string;
  Name: string;
  Guid: string;
  State: 'Enabled' | 'Disabled';
  Mode: 'Enforce' | 'Audit' | 'AuditAndNotify';
  Priority: number;
  /** Conditions. An empty rule (no condition) applies to all messages. */
  SentTo: string[] | null;
  SentToScope: 'InOrganization' | 'NotInOrganization' | 'ExternalPartner' | 'ExternalNonPartner' | null;
  From: string[] | null;
  FromScope: 'InOrganization' | 'NotInOrganization' | null;
  SubjectContainsWords: string[] | null;
  /** Actions. */
  RedirectMessageTo: string[] | null;
  DeleteMessage: boolean;
  /** Exceptions. */
  ExceptIfSentToScope: 'InOrganization' | 'NotInOrganization' | 'ExternalPartner' | 'ExternalNonPartner' | null;
  ExceptIfSentToMemberOf: string[] | null;
  ExceptIfSentTo: string[] | null;
  SetAuditSeverity: 'DoNotAudit' | 'Low' | 'Medium' | 'High' | '';
  StopRuleProcessing: boolean;
  Comments: string;
}

export interface AcceptedDomain {
  Identity: string;
  Name: string;
  DomainName: string;
  DomainType: 'Authoritative' | 'InternalRelay' | 'ExternalRelay';
  Default: boolean;
  MatchSubDomains: boolean;
  OutboundOnly: boolean;
}

export interface DynamicDistributionGroup {
  Identity: string;
  Name: string;
  DisplayName: string;
  PrimarySmtpAddress: string;
  Guid: string;
  RecipientFilter: string;
  LdapRecipientFilter: string;
  IncludedRecipients: string | null;
  HiddenFromAddressListsEnabled: boolean;
  /** ISO date of the last stored-membership refresh (every 24 h since 2022). */
  CalculatedMembershipUpdateTime: string;
  /** The stored membership (PrimarySmtpAddress of each member). */
  members: string[];
}

export interface Mailbox {
  Identity: string;
  Name: string;
  DisplayName: string;
  /** Exchange's object id (ExternalDirectoryObjectId is the Entra one). */
  Guid: string;
  UserPrincipalName: string;
  PrimarySmtpAddress: string;
  ExternalDirectoryObjectId: string;
  RecipientTypeDetails: 'UserMailbox' | 'SharedMailbox';
  IsMailboxEnabled: boolean;
  WhenMailboxCreated: string;
  /** Get-CASMailbox. */
  ImapEnabled: boolean;
  PopEnabled: boolean;
}

export interface OrganizationConfig {
  Identity: string;
  Name: string;
  RejectDirectSend: boolean;
}

/** An access token the lab's token endpoint issued (opaque: the lab looks it up, nothing is signed). */
export interface IssuedToken {
  token: string;
  /**
   * Which lab resource it is for: Graph, Exchange Online (admin API and IMAP XOAUTH2), or the Bot
   * Framework (`https://api.botframework.com/.default`, issued to the Teams bot's own app).
   */
  audience: 'graph' | 'exchange' | 'botframework';
  clientId: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** A `CmdletInput` exactly as the Exchange admin endpoint received it (parsed JSON, never evaluated). */
export interface ReceivedCmdletInput {
  CmdletName: unknown;
  Parameters: unknown;
}

export interface MicrosoftState {
  tenantId: string;
  /**
   * The app registration the bot authenticates as. A certificate is registered by its hex thumbprint
   * (SHA-1 or SHA-256); with `certificatePem` the lab also verifies the assertion's signature.
   */
  app: { clientId: string; clientSecret: string; certificateThumbprint?: string; certificatePem?: string };
  /**
   * The Azure Bot's app registration (MicrosoftAppId / MicrosoftAppPassword) the Teams bot signs in
   * as. `graphRoles`: the Graph application permissions granted to it in this tenant (the bot reads
   * the members of Entra groups named as approvers with GroupMember.Read.All).
   */
  botApp: { appId: string; password: string; graphRoles: string[] };
  /** Lifetime of issued tokens (`expires_in`), seconds; the real service issues about an hour. */
  tokenLifetimeSeconds: number;
  /** Tokens issued so far; `validateLabToken` (lab/microsoft/tokens.ts) checks bearer tokens against them. */
  tokens: IssuedToken[];
  /** Every CmdletInput the Exchange admin endpoint received, in order (for injection tests). */
  receivedCommands: ReceivedCmdletInput[];
  /**
   * Roles granted to the app: missing `Exchange.ManageAsApp`, or no Exchange role at all → 401/403 on
   * InvokeCommand. `exchangeRoles` are the management roles its service principal holds through its
   * role groups: a cmdlet no held role grants is hidden, so it fails as an unknown command.
   */
  appRoles: { exchangeManageAsApp: boolean; exchangeRole: boolean; exchangeRoles: ExchangeRole[]; graphDirectoryRead: boolean };
  graph: { users: GraphUser[]; subscribedSkus: SubscribedSku[]; domains: GraphDomain[]; groups: GraphGroup[] };
  exchange: {
    inboundConnectors: InboundConnector[];
    transportRules: TransportRule[];
    acceptedDomains: AcceptedDomain[];
    dynamicGroups: DynamicDistributionGroup[];
    mailboxes: Mailbox[];
    organizationConfig: OrganizationConfig;
  };
}

/** An Entra security group: its members are user object ids or the ids of nested groups. */
export interface GraphGroup {
  id: string;
  displayName: string;
  members: string[];
}

/**
 * The Teams people of the chat lab (lab/chat/clients.ts: Ada asks, Bob approves) in Entra groups
 * the way an IT department has them: "IT Admins" holds Bob and, nested, "Mail Operations".
 */
export const LAB_GROUPS = {
  itAdmins: '0c6e1c7a-2f55-4b8e-9a41-6d2f3b7c8e10',
  mailOps: '5a9d7e21-8c3b-4f6a-b1d2-7e8f9a0b1c2d',
  bobAad: '9d2c41e0-5b7a-4c3e-8f10-2a6b7c8d9e01',
  carolAad: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
} as const;

/** The Exchange management roles the lab's cmdlets are granted by (real role names). */
export const EXCHANGE_ROLES = [
  'View-Only Configuration',
  'View-Only Recipients',
  'Remote and Accepted Domains',
  'Transport Rules',
  'Organization Configuration',
  'Mail Recipients',
  'Distribution Groups',
] as const;
export type ExchangeRole = (typeof EXCHANGE_ROLES)[number];

export const EXCHANGE_STANDARD_PLAN = { servicePlanId: '9aaf7827-d63c-4b61-89c3-182f06f82e5c', servicePlanName: 'EXCHANGE_S_STANDARD' };
export const BUSINESS_BASIC_SKU = { skuId: '3b555118-da6a-4418-894f-7df1e2096870', skuPartNumber: 'O365_BUSINESS_ESSENTIALS' };

const ALL_USERS_DISPLAY_NAME = 'All Users';

/** A licensed Graph user `local@domain`, created `createdDaysAgo` days before the lab's `now`. */
export function labUser(t: LabTenant, local: string, name: string, createdDaysAgo: number, index: number): GraphUser {
  const upn = `${local}@${t.domain}`;
  return {
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    userPrincipalName: upn,
    displayName: name,
    mail: upn,
    accountEnabled: true,
    createdDateTime: new Date(t.now - createdDaysAgo * 86_400_000).toISOString(),
    assignedLicenses: [{ skuId: BUSINESS_BASIC_SKU.skuId, disabledPlans: [] }],
    assignedPlans: [
      {
        assignedDateTime: new Date(t.now - createdDaysAgo * 86_400_000).toISOString(),
        capabilityStatus: 'Enabled',
        service: 'exchange',
        servicePlanId: EXCHANGE_STANDARD_PLAN.servicePlanId,
      },
    ],
    licenseDetails: [
      {
        id: `lic-${index}`,
        skuId: BUSINESS_BASIC_SKU.skuId,
        skuPartNumber: BUSINESS_BASIC_SKU.skuPartNumber,
        servicePlans: [{ ...EXCHANGE_STANDARD_PLAN, provisioningStatus: 'Success', appliesTo: 'User' }],
      },
    ],
  };
}

/** The Exchange mailbox of a Graph user (IMAP on, as new mailboxes are by default). */
export function labMailbox(u: GraphUser, createdDaysAgo: number, t: LabTenant): Mailbox {
  const local = u.userPrincipalName.split('@')[0] as string;
  return {
    Identity: local,
    Name: local,
    DisplayName: u.displayName,
    Guid: `e0${u.id.slice(2)}`,
    UserPrincipalName: u.userPrincipalName,
    PrimarySmtpAddress: u.userPrincipalName,
    ExternalDirectoryObjectId: u.id,
    RecipientTypeDetails: 'UserMailbox',
    IsMailboxEnabled: true,
    WhenMailboxCreated: new Date(t.now - createdDaysAgo * 86_400_000).toISOString(),
    ImapEnabled: true,
    PopEnabled: false,
  };
}

/**
 * A tenant set up exactly as the integration guide says, in the shape real tenants have: the rule
 * names its recipients by display name, as Exchange stores them.
 */
export function healthyMicrosoftState(t: LabTenant): MicrosoftState {
  const people: [string, string, number][] = [
    ['erp', 'ERP Notification', 200],
    ['alice', 'Alice Admin', 400],
    ['bob', 'Bob Sales', 300],
    ['carol', 'Carol Support', 120],
  ];
  const users = people.map(([local, name, days], i) => labUser(t, local, name, days, i + 1));
  const mailboxes = users.map((u, i) => labMailbox(u, people[i]?.[2] ?? 100, t));
  return {
    tenantId: t.tenantId,
    app: { clientId: t.clientId, clientSecret: t.clientSecret },
    botApp: { appId: t.secrets.botAppId, password: t.secrets.botAppPassword, graphRoles: ['GroupMember.Read.All'] },
    tokenLifetimeSeconds: 3599,
    tokens: [],
    receivedCommands: [],
    appRoles: { exchangeManageAsApp: true, exchangeRole: true, exchangeRoles: [...EXCHANGE_ROLES], graphDirectoryRead: true },
    graph: {
      users,
      groups: [
        { id: LAB_GROUPS.itAdmins, displayName: 'IT Admins', members: [LAB_GROUPS.bobAad, LAB_GROUPS.mailOps] },
        {
          id: LAB_GROUPS.mailOps,
          displayName: 'Mail Operations',
          members: [LAB_GROUPS.carolAad, '6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0', '7a8b9c0d-1e2f-4a3b-c4d5-e6f7a8b9c0d1'],
        },
      ],
      subscribedSkus: [
        {
          id: `${t.tenantId}_${BUSINESS_BASIC_SKU.skuId}`,
          skuId: BUSINESS_BASIC_SKU.skuId,
          skuPartNumber: BUSINESS_BASIC_SKU.skuPartNumber,
          capabilityStatus: 'Enabled',
          consumedUnits: users.length,
          prepaidUnits: { enabled: 10, suspended: 0, warning: 0 },
          servicePlans: [{ ...EXCHANGE_STANDARD_PLAN, provisioningStatus: 'Success', appliesTo: 'User' }],
        },
      ],
      domains: [
        {
          id: t.domain,
          isVerified: true,
          isDefault: true,
          isInitial: false,
          authenticationType: 'Managed',
          supportedServices: ['Email', 'OfficeCommunicationsOnline'],
        },
        {
          id: `${t.name}.onmicrosoft.com`,
          isVerified: true,
          isDefault: false,
          isInitial: true,
          authenticationType: 'Managed',
          supportedServices: ['Email'],
        },
      ],
    },
    exchange: {
      inboundConnectors: [
        {
          Identity: 'Twenty20 ERP relay',
          Name: 'Twenty20 ERP relay',
          Guid: '6a1f2c3d-0000-4000-8000-00000000c0ff',
          Enabled: true,
          ConnectorType: 'OnPremises',
          ConnectorSource: 'Default',
          SenderIPAddresses: [...t.erpEgressIps],
          SenderDomains: ['smtp:*;1'],
          RequireTls: false,
          RestrictDomainsToIPAddresses: false,
          RestrictDomainsToCertificate: false,
          TlsSenderCertificateName: null,
          CloudServicesMailEnabled: false,
          TreatMessagesAsInternal: false,
          AssociatedAcceptedDomains: [],
        },
      ],
      transportRules: [
        {
          Identity: 'Catchall for Twenty20',
          Name: 'Catchall for Twenty20',
          Guid: '7b2e3d4e-0000-4000-8000-0000000c4a11',
          State: 'Enabled',
          Mode: 'Enforce',
          Priority: 0,
          SentTo: null,
          SentToScope: null,
          From: null,
          FromScope: null,
          SubjectContainsWords: null,
          RedirectMessageTo: [mailboxes.find((m) => m.PrimarySmtpAddress === t.catchallMailbox)?.DisplayName ?? t.catchallMailbox],
          DeleteMessage: false,
          ExceptIfSentToScope: 'NotInOrganization',
          ExceptIfSentToMemberOf: [ALL_USERS_DISPLAY_NAME],
          ExceptIfSentTo: null,
          SetAuditSeverity: 'High',
          StopRuleProcessing: true,
          Comments: '',
        },
      ],
      acceptedDomains: [
        {
          Identity: t.domain,
          Name: t.domain,
          DomainName: t.domain,
          DomainType: 'InternalRelay',
          Default: true,
          MatchSubDomains: false,
          OutboundOnly: false,
        },
        {
          Identity: `${t.name}.onmicrosoft.com`,
          Name: `${t.name}.onmicrosoft.com`,
          DomainName: `${t.name}.onmicrosoft.com`,
          DomainType: 'Authoritative',
          Default: false,
          MatchSubDomains: false,
          OutboundOnly: false,
        },
      ],
      dynamicGroups: [
        {
          Identity: 'DynamicAllUsers',
          Name: 'DynamicAllUsers',
          DisplayName: ALL_USERS_DISPLAY_NAME,
          PrimarySmtpAddress: `DynamicAllUsers@${t.domain}`,
          Guid: '8c3f4e5f-0000-4000-8000-0000000ddd01',
          RecipientFilter:
            "((((RecipientType -eq 'UserMailbox') -or (RecipientType -eq 'MailUniversalDistributionGroup') -or (RecipientType -eq 'MailUniversalSecurityGroup') -or (RecipientType -eq 'MailNonUniversalGroup') -or (RecipientType -eq 'DynamicDistributionGroup'))) -and (-not(Name -like 'SystemMailbox{*')) -and (-not(Name -like 'CAS_{*')))",
          LdapRecipientFilter: '(|(objectClass=user)(objectClass=group))',
          IncludedRecipients: 'MailboxUsers, MailGroups',
          HiddenFromAddressListsEnabled: true,
          CalculatedMembershipUpdateTime: new Date(t.now - 6 * 3600_000).toISOString(),
          members: mailboxes.map((m) => m.PrimarySmtpAddress),
        },
      ],
      mailboxes,
      organizationConfig: { Identity: `${t.name}.onmicrosoft.com`, Name: `${t.name}.onmicrosoft.com`, RejectDirectSend: false },
    },
  };
}
