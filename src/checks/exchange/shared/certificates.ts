import type { AcceptedDomain } from '../../../adapters/exchange/types.js';

/**
 * The domain a connector's `TlsSenderCertificateName` names. Exchange stores a plain name
 * (`mail.contoso.com`), a wildcard (`*.contoso.com`) or the issuer/subject form
 * (`<I>CN=Issuer<S>CN=mail.contoso.com`).
 */
export function certificateDomain(name: string): string | undefined {
  const subject = name.includes('<S>') ? (name.split('<S>')[1] ?? '') : name;
  const cn = /(?:^|,)\s*CN=([^,]+)/i.exec(subject)?.[1] ?? subject;
  const domain = cn.trim().replace(/^\*\./, '').toLowerCase();
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) ? domain : undefined;
}

/** The accepted domain a certificate domain belongs to (itself or a parent), if any. */
export function acceptedDomainFor(domain: string, accepted: readonly AcceptedDomain[]): AcceptedDomain | undefined {
  return accepted.find((d) => {
    const name = d.DomainName.toLowerCase();
    return domain === name || domain.endsWith(`.${name}`);
  });
}
