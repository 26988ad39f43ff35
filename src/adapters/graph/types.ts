import { z } from 'zod';

/**
 * The Graph v1.0 objects the checks read, validated loosely: the fields used here must have the
 * right types, anything else Graph adds passes through untouched.
 */
export const assignedLicenseSchema = z.looseObject({
  skuId: z.string(),
  disabledPlans: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
});

export const assignedPlanSchema = z.looseObject({
  assignedDateTime: z.string().nullish(),
  capabilityStatus: z.string().nullish(),
  /** `exchange` for the plans that give a mailbox. */
  service: z.string().nullish(),
  servicePlanId: z.string().nullish(),
});

export const graphUserSchema = z.looseObject({
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string().nullish(),
  mail: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  accountEnabled: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  createdDateTime: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  assignedLicenses: z
    .array(assignedLicenseSchema)
    .nullish()
    .transform((v) => v ?? []),
  assignedPlans: z
    .array(assignedPlanSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type GraphUser = z.output<typeof graphUserSchema>;

export const servicePlanSchema = z.looseObject({
  servicePlanId: z.string(),
  servicePlanName: z.string(),
  /** `Success`, `Disabled`, `Error`, `PendingInput`, `PendingActivation`, `PendingProvisioning`. */
  provisioningStatus: z.string(),
  appliesTo: z.string().nullish(),
});
export type ServicePlan = z.output<typeof servicePlanSchema>;

export const licenseDetailSchema = z.looseObject({
  skuId: z.string(),
  skuPartNumber: z.string(),
  servicePlans: z
    .array(servicePlanSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type LicenseDetail = z.output<typeof licenseDetailSchema>;

export const subscribedSkuSchema = z.looseObject({
  skuId: z.string(),
  skuPartNumber: z.string(),
  /** `Enabled`, `Warning`, `Suspended`, `Deleted`, `LockedOut`. */
  capabilityStatus: z.string(),
  consumedUnits: z.number(),
  prepaidUnits: z.looseObject({ enabled: z.number() }),
  servicePlans: z
    .array(servicePlanSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type SubscribedSku = z.output<typeof subscribedSkuSchema>;

export const graphDomainSchema = z.looseObject({
  id: z.string(),
  isVerified: z.boolean(),
  isDefault: z.boolean().nullish(),
  supportedServices: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
});
export type GraphDomain = z.output<typeof graphDomainSchema>;

/** A Graph service plan that gives a user an Exchange Online mailbox (`EXCHANGE_S_STANDARD`, `_ENTERPRISE`, …). */
export function isExchangePlan(servicePlanName: string): boolean {
  return /^EXCHANGE_S_/i.test(servicePlanName);
}

/** A directory object as a `$select=id` collection returns it (a group's members). */
export const directoryObjectSchema = z.looseObject({ id: z.string() });
