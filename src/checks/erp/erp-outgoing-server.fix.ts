import type { ErpOutgoingServer } from '../../adapters/erp/port.js';
import { erpLogin, erpOutgoingServers } from '../../adapters/erp/sources.js';
import { basisOf, definePlanner, erpCall, type FixChange, type JsonValue, refuse } from '../../engine/fix.js';
import { activeBySequence, EXO_MX_SUFFIX, expectedMxHost, serverUsedFor, sessionOf, splitFilter } from './shared.js';

const STARTTLS = ['starttls', 'starttls_strict'];

/** Writes host, port 25, STARTTLS, no login, `from_filter` (15+) and a first sequence on the ERP's relay server. */
export const erpOutgoingServerPlanner = definePlanner({
  checkId: 'erp-outgoing-server',
  sources: [erpOutgoingServers, erpLogin],
  plan(snapshot, ctx) {
    const major = sessionOf(snapshot).version.major;
    const servers = snapshot.get(erpOutgoingServers);
    const domain = ctx.tenant.domain.toLowerCase();
    const mxHost = expectedMxHost(domain);
    const exchange = servers.filter((s) => s.smtpHost.toLowerCase().endsWith(EXO_MX_SUFFIX));
    const target = exchange.find((s) => s.active) ?? exchange[0] ?? (servers.length === 1 ? servers[0] : undefined);
    const onExchange = target?.smtpHost.toLowerCase().endsWith(EXO_MX_SUFFIX) === true;
    const wanted: Record<string, JsonValue> = {
      smtp_host: onExchange && target ? target.smtpHost : mxHost,
      smtp_port: 25,
      smtp_encryption: 'starttls',
      smtp_user: false,
      smtp_pass: false,
      active: true,
      ...(major >= 15 ? { from_filter: domain } : {}),
    };
    if (!target) {
      if (servers.length > 1) {
        return refuse(
          `None of the ${servers.length} outgoing mail servers points at Exchange Online, and the bot will not guess which one to repoint; set one by hand (see explain) or archive the others.`,
        );
      }
      const sequence = 1;
      const vals = { name: 'Exchange Online', ...wanted, sequence };
      return {
        target: 'ir.mail_server (new)',
        changes: Object.entries(vals).map(([setting, after]) => ({ setting: `ir.mail_server.${setting}`, before: null, after })),
        calls: [erpCall('ir.mail_server', 'create', undefined, { vals_list: [vals] })],
        basis: basisOf({ servers: servers.map((s) => s.raw) }),
      };
    }
    const current: Record<string, JsonValue> = {
      smtp_host: target.smtpHost,
      smtp_port: target.smtpPort,
      smtp_encryption: target.smtpEncryption,
      smtp_user: target.smtpUser ?? false,
      smtp_pass: false,
      active: target.active,
      ...(major >= 15 ? { from_filter: target.fromFilter ?? false } : {}),
    };
    const vals: Record<string, JsonValue> = {};
    if (current.smtp_host !== wanted.smtp_host) vals.smtp_host = wanted.smtp_host as string;
    if (target.smtpPort !== 25) vals.smtp_port = 25;
    if (!STARTTLS.includes(target.smtpEncryption)) vals.smtp_encryption = 'starttls';
    if (target.smtpUser) {
      vals.smtp_user = false;
      // The password of a login that is no longer used goes too (never shown: before is "set").
      vals.smtp_pass = false;
    }
    if (!target.active) vals.active = true;
    if (major >= 15) {
      const filters = splitFilter(target.fromFilter);
      if (!filters.includes(domain) && !filters.some((f) => f.endsWith(`@${domain}`))) vals.from_filter = domain;
    }
    const picked = serverUsedFor(
      [...servers.filter((s) => s.id !== target.id), { ...target, active: true, fromFilter: major >= 15 ? domain : target.fromFilter }],
      domain,
      major,
    );
    if (picked && picked.id !== target.id) vals.sequence = firstSequence(servers, target);
    const changes: FixChange[] = Object.entries(vals).map(([setting, after]) => ({
      setting: `ir.mail_server.${setting}`,
      before: setting === 'smtp_pass' ? '(not shown)' : setting === 'sequence' ? target.sequence : (current[setting] ?? null),
      after: setting === 'smtp_pass' ? null : after,
    }));
    if (changes.length === 0)
      return refuse(`Outgoing mail server "${target.name}" already has every setting this fix writes; nothing to change.`);
    return {
      target: `ir.mail_server ${target.id} "${target.name}"`,
      changes,
      calls: [erpCall('ir.mail_server', 'write', [target.id], { vals })],
      basis: basisOf({ target: target.raw, order: servers.map((s) => [s.id, s.sequence, s.active, s.fromFilter]) }),
    };
  },
});

/** A sequence that puts `target` before every other active server (the ERP tries the lowest first). */
function firstSequence(servers: readonly ErpOutgoingServer[], target: ErpOutgoingServer): number {
  const others = activeBySequence(servers).filter((s) => s.id !== target.id);
  const lowest = others[0]?.sequence ?? target.sequence;
  return Math.min(target.sequence, lowest - 1);
}
