import { graphDomains } from '../../adapters/graph/sources.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';
import { psQuote } from '../exchange/shared/powershell.js';

/** The mail domain is a verified domain of the tenant that serves Email. */
export const entraDomainCheck = defineCheck({
  meta: {
    id: 'entra-domain',
    title: 'Domain verified for Email',
    area: 'entra',
    severity: 'high',
    dependsOn: [],
    sources: [graphDomains],
    fixable: false,
    watched: false,
  },
  explainFile: new URL('./entra-domain.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const name = ctx.tenant.domain;
    const q = psQuote(name);
    const domains = snapshot.get(graphDomains);
    const domain = domains.find((d) => d.id.toLowerCase() === name.toLowerCase());
    const expected = { isVerified: true, supportedServices: ['Email'] };
    const manual = `Microsoft 365 admin center → Settings → Domains → ${name}`;
    if (!domain) {
      return {
        status: 'fail',
        detail: `${name} is not a domain of the tenant (Graph /domains lists ${domains.map((d) => d.id).join(', ') || 'none'}); expected it verified and serving Email.`,
        observed: { domains: domains.map((d) => d.id) },
        expected,
        resource: { kind: 'Domain', name },
        remediation: {
          manual:
            'Microsoft 365 admin center → Settings → Domains → Add domain, add the TXT record it shows, then Verify; choose Exchange (Email) as a service.',
          command: `New-MgDomain -Id ${q}; Get-MgDomainVerificationDnsRecord -DomainId ${q}; Confirm-MgDomain -DomainId ${q}`,
        },
      };
    }
    const observed = {
      domain: domain.id,
      isVerified: domain.isVerified,
      isDefault: domain.isDefault,
      supportedServices: domain.supportedServices,
    };
    const resource = { kind: 'Domain', id: domain.id, name: domain.id };
    if (!domain.isVerified) {
      return {
        status: 'fail',
        detail: `${name} has isVerified false; expected true: until the domain is verified, Exchange Online does not accept or send its mail.`,
        observed,
        expected,
        resource,
        remediation: {
          manual: `${manual} → Continue setup: add the TXT verification record at your DNS host, then Verify.`,
          command: `Get-MgDomainVerificationDnsRecord -DomainId ${q}; Confirm-MgDomain -DomainId ${q}`,
        },
      };
    }
    if (!domain.supportedServices.some((s) => s.toLowerCase() === 'email')) {
      return {
        status: 'fail',
        detail: `${name} has supportedServices [${domain.supportedServices.join(', ')}], without Email; expected Email, so that Exchange Online handles the domain's mail.`,
        observed,
        expected,
        resource,
        remediation: {
          manual: `${manual} → Manage DNS → choose the Exchange and Exchange Online Protection service, and add the records it lists.`,
          command: `Update-MgDomain -DomainId ${q} -SupportedServices @('Email')`,
        },
      };
    }
    return {
      status: 'pass',
      detail: `${name} is verified and serves Email.`,
      observed,
      expected,
      resource,
    };
  },
});
