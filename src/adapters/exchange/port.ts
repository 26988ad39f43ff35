import type {
  AcceptedDomain,
  CasMailbox,
  CmdletParameters,
  DynamicDistributionGroup,
  InboundConnector,
  Mailbox,
  OrganizationConfig,
  Recipient,
  TransportRule,
} from './types.js';

/**
 * What the checks and fixes need from Exchange Online. The live implementation calls the admin
 * endpoint the Exchange Online PowerShell module uses (InvokeCommand), which Microsoft does not
 * support officially — so it stays behind this interface (see README.md here).
 * Errors are coded MailsetupErrors; a missing role is `InsufficientPermission` naming it.
 */
export interface ExchangeAdminPort {
  /**
   * Runs one cmdlet with typed parameters and returns every object (all pages). For the Get
   * cmdlets below prefer the typed methods; this is the seam for Set/New/Enable/Disable.
   */
  invoke(cmdlet: string, parameters?: CmdletParameters, signal?: AbortSignal): Promise<Record<string, unknown>[]>;
  getInboundConnectors(signal?: AbortSignal): Promise<InboundConnector[]>;
  getTransportRules(signal?: AbortSignal): Promise<TransportRule[]>;
  getAcceptedDomains(signal?: AbortSignal): Promise<AcceptedDomain[]>;
  /** `null` when there is no such group. */
  getDynamicDistributionGroup(identity: string, signal?: AbortSignal): Promise<DynamicDistributionGroup | null>;
  /** The group's stored membership (refreshed every 24 h by Exchange). */
  getDynamicDistributionGroupMembers(identity: string, signal?: AbortSignal): Promise<Recipient[]>;
  /** `null` when there is no such mailbox. */
  getMailbox(identity: string, signal?: AbortSignal): Promise<Mailbox | null>;
  /** The mailbox's client access settings (`ImapEnabled`); `null` when there is no such mailbox. */
  getCasMailbox(identity: string, signal?: AbortSignal): Promise<CasMailbox | null>;
  getOrganizationConfig(signal?: AbortSignal): Promise<OrganizationConfig>;
  /**
   * The recipient an identity names as Exchange stores it (display name, alias, Name, SMTP address
   * or Guid: what rule properties hold); `null` when no recipient has it.
   */
  getRecipient(identity: string, signal?: AbortSignal): Promise<Recipient | null>;
}
