import { z } from 'zod';

/**
 * Exchange Online objects as the Get cmdlets return them through InvokeCommand, with their real
 * property names (the same names Set-* takes). Validated loosely: the properties the checks read
 * must have the right type; every other property passes through (a transport rule's condition
 * properties are read generically).
 */

/** A boolean, also accepting the `"True"`/`"False"` strings some serialisers produce. */
const exoBool = z
  .union([z.boolean(), z.enum(['True', 'False', 'true', 'false'])])
  .transform((v) => v === true || v === 'True' || v === 'true');
const list = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

export const inboundConnectorSchema = z.looseObject({
  Identity: z.string(),
  Name: z.string(),
  Enabled: exoBool,
  /** `OnPremises` (from your organization's email server) or `Partner`. */
  ConnectorType: z.string(),
  SenderIPAddresses: list,
  SenderDomains: list,
  /** The certificate name (`*.contoso.com`, `erp.contoso.com`) a certificate-based connector admits. */
  TlsSenderCertificateName: text,
  RequireTls: exoBool.nullish(),
  /** `Default`, `Migrated`, `HybridWizard`. */
  ConnectorSource: text,
});
export type InboundConnector = z.output<typeof inboundConnectorSchema>;

export const transportRuleSchema = z.looseObject({
  Identity: z.string(),
  Name: z.string(),
  /** `Enabled` / `Disabled`. */
  State: z.string(),
  /** `Enforce`, `Audit`, `AuditAndNotify`. */
  Mode: z.string(),
  /** 0 runs first. */
  Priority: z.number(),
  RedirectMessageTo: list,
  ExceptIfSentToScope: text,
  ExceptIfSentToMemberOf: list,
  SetAuditSeverity: text,
  StopRuleProcessing: exoBool,
});
export type TransportRule = z.output<typeof transportRuleSchema>;

export const acceptedDomainSchema = z.looseObject({
  Identity: z.string(),
  DomainName: z.string(),
  /** `Authoritative`, `InternalRelay`, `ExternalRelay`. */
  DomainType: z.string(),
  Default: exoBool.nullish(),
});
export type AcceptedDomain = z.output<typeof acceptedDomainSchema>;

export const dynamicDistributionGroupSchema = z.looseObject({
  Identity: z.string(),
  Name: z.string(),
  DisplayName: text,
  PrimarySmtpAddress: text,
  /** e.g. `"MailboxUsers, MailGroups"`; null with a custom RecipientFilter. */
  IncludedRecipients: text,
  RecipientFilter: text,
  HiddenFromAddressListsEnabled: exoBool,
  /** When the stored membership was last refreshed (every 24 h since 2022). */
  CalculatedMembershipUpdateTime: text,
});
export type DynamicDistributionGroup = z.output<typeof dynamicDistributionGroupSchema>;

export const recipientSchema = z.looseObject({
  Identity: text,
  Name: text,
  DisplayName: text,
  Alias: text,
  PrimarySmtpAddress: text,
  /** The Entra object id; empty for objects that live only in Exchange (a dynamic distribution group). */
  ExternalDirectoryObjectId: text,
  /** Exchange's own object id. */
  Guid: text,
  RecipientType: text,
  RecipientTypeDetails: text,
});
export type Recipient = z.output<typeof recipientSchema>;

export const mailboxSchema = z.looseObject({
  Identity: z.string(),
  Name: text,
  PrimarySmtpAddress: z.string(),
  UserPrincipalName: text,
  ExternalDirectoryObjectId: text,
  /** `UserMailbox`, `SharedMailbox`, … */
  RecipientTypeDetails: z.string(),
  IsMailboxEnabled: exoBool.nullish(),
  WhenMailboxCreated: text,
});
export type Mailbox = z.output<typeof mailboxSchema>;

export const casMailboxSchema = z.looseObject({
  Identity: z.string(),
  PrimarySmtpAddress: text,
  ImapEnabled: exoBool,
  PopEnabled: exoBool.nullish(),
});
export type CasMailbox = z.output<typeof casMailboxSchema>;

export const organizationConfigSchema = z.looseObject({
  Identity: text,
  /** Absent on tenants that predate the setting (GA September 2025): off. */
  RejectDirectSend: exoBool.nullish().transform((v) => v ?? false),
});
export type OrganizationConfig = z.output<typeof organizationConfigSchema>;

/**
 * A cmdlet parameter value. Always sent as typed JSON inside `CmdletInput.Parameters`; nothing is
 * ever spliced into a command string. Multi-valued Set parameters take `{Add, Remove}`.
 */
export type CmdletParameterValue =
  | string
  | number
  | boolean
  | null
  | readonly string[]
  | Readonly<{ Add?: readonly string[]; Remove?: readonly string[] }>;
export type CmdletParameters = Readonly<Record<string, CmdletParameterValue>>;
