import { dnsMx } from '../../adapters/dns/sources.js';
import { erpOutgoingServers } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';
import { activeBySequence, EXO_MX_SUFFIX } from '../erp/shared.js';

export const dnsMxCheck = defineCheck({
  meta: {
    id: 'dns-mx',
    title: 'MX record points at Exchange Online',
    area: 'dns',
    severity: 'critical',
    dependsOn: [],
    sources: [dnsMx, erpOutgoingServers],
    fixable: false,
    watched: true,
  },
  explainFile: new URL('./dns-mx.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const { domain, answer } = snapshot.get(dnsMx);
    const suggested = `${domain.replace(/\./g, '-')}${EXO_MX_SUFFIX}`;
    const resource = { kind: 'MX record', name: domain };
    const addRecord = {
      manual: `At the DNS provider of ${domain}, set the MX record to the host Microsoft 365 shows under Settings → Domains → ${domain} → DNS records (usually ${suggested}), preference 0, and remove MX records of other providers.`,
      command: `${domain}. 3600 IN MX 0 ${suggested}.`,
    };
    if (!answer.found) {
      return {
        status: 'fail',
        detail: `${domain} has no MX record (${answer.reason === 'nxdomain' ? 'the name does not exist in DNS' : 'the name has no MX records'}); expected one pointing at Exchange Online (*${EXO_MX_SUFFIX}), so mail to ${domain} is not delivered.`,
        observed: { domain, mx: [], dnsAnswer: answer.reason },
        expected: { mx: `*${EXO_MX_SUFFIX}` },
        resource,
        remediation: addRecord,
      };
    }
    const records = answer.records;
    const observedMx = records.map((r) => `${r.priority} ${r.exchange}`);
    const primary = records[0]!;
    if (!isExchangeMx(primary.exchange)) {
      return {
        status: 'fail',
        detail: `The MX record of ${domain} points at ${primary.exchange} (preference ${primary.priority}), not at Exchange Online (*${EXO_MX_SUFFIX}): mail to ${domain}, sales@ included, never reaches Exchange Online or the catch-all rule.`,
        observed: { domain, mx: observedMx },
        expected: { mx: `*${EXO_MX_SUFFIX}` },
        resource,
        remediation: addRecord,
      };
    }
    const expected = { mx: `*${EXO_MX_SUFFIX}`, erpSmtpHost: primary.exchange };

    const servers = snapshot.tryGet(erpOutgoingServers);
    // The server the ERP uses: the active one with the lowest sequence (then the lowest id).
    const erp = servers ? activeBySequence(servers)[0] : undefined;
    const erpObserved = erp ? { erpServer: erp.name, erpSmtpHost: erp.smtpHost } : {};
    if (erp && normalizeHost(erp.smtpHost) !== primary.exchange) {
      return {
        status: 'fail',
        detail: `The ERP's outgoing mail server "${erp.name}" sends to ${erp.smtpHost || '(no host)'}, but the MX host of ${domain} is ${primary.exchange}; the relay through the inbound connector only works on the MX host, port 25.`,
        observed: { domain, mx: observedMx, ...erpObserved },
        expected,
        resource: { kind: 'ir.mail_server', id: String(erp.id), name: erp.name },
        remediation: {
          manual: `In the ERP, Settings → Technical → Outgoing Mail Servers → "${erp.name}": set SMTP Server to ${primary.exchange}, port 25, Connection Encryption TLS (STARTTLS), no username.`,
          command: `ir.mail_server ${erp.id}: smtp_host = ${primary.exchange}, smtp_port = 25, smtp_encryption = starttls`,
        },
      };
    }
    const others = records.filter((r) => !isExchangeMx(r.exchange));
    const erpNote = !servers
      ? ` The ERP could not be read, so its outgoing server was not compared (${ctx.tenant.erp.url}).`
      : !erp
        ? ' The ERP has no active outgoing mail server to compare with (see erp-outgoing-server).'
        : ` The ERP's outgoing server "${erp.name}" uses the same host.`;
    if (others.length > 0) {
      return {
        status: 'warn',
        detail: `${domain} has MX records at other providers besides Exchange Online (${others.map((r) => `${r.priority} ${r.exchange}`).join(', ')}): senders use them when Exchange Online is busy, and mail there skips the catch-all rule.`,
        observed: { domain, mx: observedMx, ...erpObserved },
        expected,
        resource,
        remediation: { manual: `Remove the MX records of ${domain} that do not point at Exchange Online.`, command: addRecord.command },
      };
    }
    return {
      status: 'pass',
      detail: `The MX record of ${domain} points at ${primary.exchange} (preference ${primary.priority}).${erpNote}`,
      observed: { domain, mx: observedMx, ...erpObserved },
      expected,
      resource,
    };
  },
});

function isExchangeMx(host: string): boolean {
  return host.endsWith(EXO_MX_SUFFIX);
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}
