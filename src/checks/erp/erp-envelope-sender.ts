import { erpAliasDomains, erpLogin, erpOutgoingServers, erpSystemParams } from '../../adapters/erp/sources.js';
import { exchangeAcceptedDomains, exchangeInboundConnectors } from '../../adapters/exchange/sources.js';
import type { AcceptedDomain, InboundConnector } from '../../adapters/exchange/types.js';
import { defineCheck } from '../../engine/check.js';
import { mapCause } from '../../mail/causes.js';
import { envelopeSender } from './envelope-sender.js';
import { activeBySequence, catchallParts, DEV_MODE, MENU, sessionOf } from './shared.js';

/** Exchange Online's refusal when the envelope sender is in no accepted domain (reports show `ATTR36`). */
const RELAY_REFUSAL = '550 5.7.64 TenantAttribution; Relay Access Denied';

export const erpEnvelopeSenderCheck = defineCheck({
  meta: {
    id: 'erp-envelope-sender',
    title: "The ERP's envelope sender is in an accepted domain, so Exchange Online relays its mail",
    area: 'erp',
    severity: 'critical',
    dependsOn: ['erp-reachable'],
    sources: [erpLogin, erpSystemParams, erpAliasDomains, erpOutgoingServers, exchangeAcceptedDomains, exchangeInboundConnectors],
    fixable: false,
    watched: true,
  },
  explainFile: new URL('./erp-envelope-sender.md', import.meta.url),
  run(snapshot, ctx) {
    const major = sessionOf(snapshot).version.major;
    const params = snapshot.get(erpSystemParams);
    const aliasDomains = snapshot.get(erpAliasDomains);
    const accepted = snapshot.get(exchangeAcceptedDomains);
    const { domain } = catchallParts(ctx.tenant);
    const sender = envelopeSender(major, params, aliasDomains);
    const usesRecords = major >= 17 && aliasDomains !== null;
    const acceptedNames = accepted.map((d) => d.DomainName);
    const observed = {
      version: major,
      envelopeSender: sender.address,
      basis: sender.basis,
      ...(usesRecords
        ? {
            'mail.alias.domain': aliasDomains.domains.map((d) => d.raw),
            companyAliasDomainId: aliasDomains.companies[0]?.aliasDomainId ?? null,
          }
        : { 'mail.catchall.domain': params['mail.catchall.domain'] ?? null, 'mail.bounce.alias': params['mail.bounce.alias'] ?? null }),
      acceptedDomains: acceptedNames,
    };
    const expected = { envelopeSender: `bounce@${domain}`, domain: 'an accepted domain of the tenant' };
    const resource = usesRecords ? { kind: 'mail.alias.domain', name: domain } : { kind: 'ir.config_parameter', name: 'mail.bounce.alias' };
    const remediation = {
      manual: usesRecords
        ? `${DEV_MODE} Then ${MENU.aliasDomains} ▸ ${domain}: set Bounce Alias to bounce, and make it the company's alias domain (Settings ▸ General Settings ▸ Discuss ▸ Alias Domain). The ERP then sends with MAIL FROM bounce@${domain}.`
        : `${DEV_MODE} Then ${MENU.params}: mail.catchall.domain = ${domain} and mail.bounce.alias = bounce (create the keys if missing). The ERP then sends with MAIL FROM bounce@${domain}.`,
      command: usesRecords
        ? `mail.alias.domain ${domain}: bounce_alias = bounce`
        : `mail.catchall.domain = ${domain}; mail.bounce.alias = bounce`,
    };

    // The other way Exchange attributes a relay: the certificate the ERP presents names an accepted domain.
    const presentsCertificate = activeBySequence(snapshot.get(erpOutgoingServers))[0]?.smtpAuthentication === 'certificate';
    const byCertificate = presentsCertificate
      ? snapshot.get(exchangeInboundConnectors).find((c) => certificateAttributes(c, accepted))
      : undefined;
    if (byCertificate) {
      return {
        status: 'pass',
        detail: `The ERP authenticates to Exchange Online with a certificate and the connector ${byCertificate.Name} expects ${byCertificate.TlsSenderCertificateName}, in an accepted domain, so its mail is relayed whatever its envelope sender (${sender.address ?? "each mail's From address"}).`,
        observed: { ...observed, connector: byCertificate.Name, tlsSenderCertificateName: byCertificate.TlsSenderCertificateName },
        expected,
        resource,
      };
    }

    if (sender.address === null) {
      return {
        status: 'fail',
        detail:
          `The ERP has no bounce address (${usesRecords ? "the company's alias domain has no Bounce Alias" : 'mail.catchall.domain is not set'}), so the envelope sender (MAIL FROM) of its mail is each mail's own From address: ` +
          `Exchange Online refuses to relay mail whose author's address is outside the accepted domains (${RELAY_REFUSAL}); expected bounce@${domain}.`,
        observed,
        expected,
        resource,
        remediation,
        cause: mapCause({ text: RELAY_REFUSAL, protocol: 'smtp', relay: { senderDomainAccepted: false } }),
      };
    }
    const senderDomain = sender.address.split('@').pop()!.toLowerCase();
    const match = accepted.find((d) => isAcceptedFor(d, senderDomain));
    if (match) {
      return {
        status: 'pass',
        detail: `The ERP sends with envelope sender ${sender.address} (${sender.basis === 'mail.alias.domain.bounce_email' ? "its company's alias domain" : 'mail.bounce.alias @ mail.catchall.domain'}), in the accepted domain ${match.DomainName}, so Exchange Online relays its mail to outside recipients.`,
        observed,
        expected,
        resource,
      };
    }
    return {
      status: 'fail',
      detail:
        `The ERP sends with envelope sender ${sender.address}, and ${senderDomain} is not an accepted domain of the tenant (${acceptedNames.join(', ') || 'none'}): ` +
        `since 1 Nov 2023 Exchange Online refuses to relay its mail to outside recipients (${RELAY_REFUSAL}), even through the connector; expected bounce@${domain}.`,
      observed,
      expected,
      resource,
      remediation,
      cause: mapCause({ text: RELAY_REFUSAL, protocol: 'smtp', relay: { envelopeSender: sender.address, senderDomainAccepted: false } }),
    };
  },
});

function isAcceptedFor(domain: AcceptedDomain, name: string): boolean {
  const accepted = domain.DomainName.toLowerCase();
  const matchSubDomains = (domain as { MatchSubDomains?: unknown }).MatchSubDomains === true;
  return name === accepted || (matchSubDomains && name.endsWith(`.${accepted}`));
}

/** An enabled OnPremises connector whose TlsSenderCertificateName (`*.` stripped) is an accepted domain. */
function certificateAttributes(connector: InboundConnector, accepted: readonly AcceptedDomain[]): boolean {
  const name = connector.TlsSenderCertificateName?.toLowerCase().replace(/^\*\./, '');
  return connector.Enabled === true && connector.ConnectorType === 'OnPremises' && !!name && accepted.some((d) => isAcceptedFor(d, name));
}
