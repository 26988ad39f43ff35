import type { GraphDomain, GraphUser, LicenseDetail, SubscribedSku } from './types.js';

/**
 * What the checks need from Microsoft Graph (v1.0). Errors are coded MailsetupErrors: a missing
 * application permission is `InsufficientPermission` naming it.
 */
export interface GraphPort {
  /** A user by id or UPN; `null` when there is none (404). Needs `User.Read.All`. */
  getUser(idOrUpn: string, signal?: AbortSignal): Promise<GraphUser | null>;
  /** Every user (paged). Needs `User.Read.All`. */
  listUsers(signal?: AbortSignal): Promise<GraphUser[]>;
  /** The user's licences with their service plans and provisioning. Needs `User.Read.All`. */
  listLicenseDetails(userId: string, signal?: AbortSignal): Promise<LicenseDetail[]>;
  /** The tenant's subscriptions. Needs `Organization.Read.All`. */
  listSubscribedSkus(signal?: AbortSignal): Promise<SubscribedSku[]>;
  /** The tenant's domains. Needs `Domain.Read.All`. */
  listDomains(signal?: AbortSignal): Promise<GraphDomain[]>;
  /**
   * The object ids of the users in a group and its nested groups; `null` when the id is no group.
   * Needs `GroupMember.Read.All` (the Teams bot's app: Entra groups named as approvers), no check's.
   */
  listGroupUserMembers(groupId: string, signal?: AbortSignal): Promise<string[] | null>;
}
