import { acceptedDomainFor, certificateDomain } from '../../checks/exchange/shared/certificates.js';
import { relayConnectors } from '../../checks/exchange/shared/connectors.js';
import { psQuote } from '../../checks/exchange/shared/powershell.js';
import { defineHop, hopCause } from '../hop.js';
import { ipInList, senderIpFromReceived } from '../received.js';

/** The ERP's real egress IP, read from the notice's `Received:` headers, against the connector. */
export const erpEgressIp = defineHop({
  id: 'erp-egress-ip',
  title: () => "The ERP's egress IP is in the connector",
  needs: ['erp-fetch', 'error-notice'],
  notReached: (blocker) =>
    blocker.id === 'error-notice'
      ? 'Not checked: it is read from the error notice, which did not arrive.'
      : `Not reached: "${blocker.name}" did not pass.`,
  async run(run) {
    const { adapters, tenant, signal } = run;
    const seen = run.found.notice ? senderIpFromReceived(run.found.notice.received) : undefined;
    if (!seen) return { status: 'skip', detail: "Not checked: the notice's Received headers name no sending IP." };
    let listed: { entry: string; where: string } | undefined;
    let byCertificate: { connector: string; certificate: string } | undefined;
    let connectorName: string | undefined;
    let compared: string;
    const configEntry = ipInList(seen.ip, tenant.erpEgressIps);
    try {
      // The connectors the ERP's relay can match, as exchange-connector-ips sees them (named one, if configured).
      const connectors = relayConnectors(await adapters.exchange.getInboundConnectors(signal), tenant.connector);
      compared =
        connectors.length > 0
          ? `the inbound connector(s) ${connectors.map((c) => `"${c.Name}"`).join(', ')}`
          : 'no enabled OnPremises connector';
      connectorName = connectors.length === 1 ? connectors[0]?.Name : undefined;
      for (const c of connectors) {
        const entry = ipInList(seen.ip, c.SenderIPAddresses ?? []);
        if (entry) listed = { entry, where: `connector "${c.Name}"` };
      }
      // A certificate-based connector admits the ERP by the name on its certificate, whatever its IP.
      const certified = connectors.filter((c) => c.TlsSenderCertificateName);
      if (!listed && certified.length > 0) {
        const accepted = await adapters.exchange.getAcceptedDomains(signal);
        const match = certified.find((c) => {
          const domain = certificateDomain(c.TlsSenderCertificateName ?? '');
          return domain !== undefined && acceptedDomainFor(domain, accepted) !== undefined;
        });
        if (match) byCertificate = { connector: match.Name, certificate: match.TlsSenderCertificateName ?? '' };
      }
    } catch {
      compared = 'tenants[].erpEgressIps (the connectors could not be read)';
      if (configEntry) listed = { entry: configEntry, where: 'erpEgressIps' };
    }
    const configNote = configEntry ? '' : ` It is not in erpEgressIps of the bot's config (${tenant.erpEgressIps.join(', ')}); update it.`;
    if (byCertificate) {
      return {
        status: 'pass',
        detail: `The ERP's mail reached Exchange Online from ${seen.ip}; connector "${byCertificate.connector}" admits it by its certificate (${byCertificate.certificate}), so the IP need not be listed.${configNote}`,
        evidence: { egressIp: seen.ip, receivedHeader: seen.header, certificate: byCertificate.certificate },
      };
    }
    if (listed) {
      return {
        status: 'pass',
        detail: `The ERP's mail reached Exchange Online from ${seen.ip}, which ${listed.where} lists (${listed.entry}).${configNote}`,
        evidence: { egressIp: seen.ip, receivedHeader: seen.header, matched: listed.entry },
      };
    }
    return {
      status: 'fail',
      detail: `The ERP's mail reached Exchange Online from ${seen.ip}, which ${compared} does not list.${configNote}`,
      evidence: { egressIp: seen.ip, receivedHeader: seen.header },
      cause: hopCause(
        'egress IP',
        'exchange-connector-ips',
        `The ERP's real public IP (${seen.ip}) is not in the connector's SenderIPAddresses, so relaying to outside recipients will be refused (5.7.64) once nothing else matches.`,
        connectorName
          ? `Add it: Set-InboundConnector -Identity ${psQuote(connectorName)} -SenderIPAddresses @{Add='${seen.ip}'}`
          : `Add it to the SenderIPAddresses of the ERP's inbound connector: Set-InboundConnector -SenderIPAddresses @{Add='${seen.ip}'}`,
      ),
    };
  },
});
