/** Exchange Online's DKIM selectors: CNAMEs at the custom domain pointing at keys Microsoft publishes. */

export const EXCHANGE_DKIM_SELECTORS = ['selector1', 'selector2'] as const;

export function dkimName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`;
}

/** `contoso.com` → `contoso-com`, as Microsoft writes the custom domain into the selector target. */
export function dashedDomain(domain: string): string {
  return domain.toLowerCase().replace(/\./g, '-');
}

/**
 * Whether a CNAME target is Exchange Online's key for this selector and domain. Two formats exist:
 * `selector1-contoso-com._domainkey.contoso.onmicrosoft.com` (domains added before May 2025), and
 * `selector1-contoso-com._domainkey.contoso.n-v1.dkim.mail.microsoft` (newer domains).
 * Returns the tenant's initial-domain prefix (`contoso`) when it is.
 */
export function exchangeDkimTenant(target: string, selector: string, domain: string): string | undefined {
  const escaped = dashedDomain(domain).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(
    `^${selector}-${escaped}\\._domainkey\\.([a-z0-9-]+)\\.(?:onmicrosoft\\.com|[a-z]-v\\d\\.dkim\\.mail\\.microsoft)$`,
  );
  return pattern.exec(target.toLowerCase())?.[1];
}

export function isDkimKey(txt: string): boolean {
  return /(^|;)\s*p\s*=\s*[A-Za-z0-9+/=]{16,}/.test(txt) || /^v\s*=\s*DKIM1/i.test(txt.trim());
}
