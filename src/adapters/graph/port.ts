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
}
