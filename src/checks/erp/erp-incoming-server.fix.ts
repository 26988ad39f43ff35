import { erpIncomingServers, erpLogin } from '../../adapters/erp/sources.js';
import { basisOf, definePlanner, erpCall, type FixChange, type JsonValue, refuse } from '../../engine/fix.js';
import { catchallServer, EXO_IMAP_HOSTS, MENU, sessionOf } from './shared.js';

/**
 * Writes host, port, SSL and the OAuth server type on the server reading the catch-all mailbox.
 * What it cannot do: the OAuth consent ("Connect your Outlook account") needs a person signed in as
 * the mailbox, and only then does "Test & Confirm" work — the plan says so.
 */
export const erpIncomingServerPlanner = definePlanner({
  checkId: 'erp-incoming-server',
  sources: [erpIncomingServers, erpLogin],
  plan(snapshot, ctx) {
    const major = sessionOf(snapshot).version.major;
    const { servers, typeField, serverTypes } = snapshot.get(erpIncomingServers);
    const mailbox = ctx.tenant.catchallMailbox;
    const target = catchallServer(servers, ctx.tenant);
    if (!target) {
      return refuse(
        `No incoming mail server logs in as ${mailbox}; the bot does not create one, because it only works after a person connects the Outlook account in the ERP (see explain).`,
      );
    }
    const raw = target.raw;
    const vals: Record<string, JsonValue> = {};
    const notes: string[] = [];
    const host = (target.host ?? '').toLowerCase();
    if (!EXO_IMAP_HOSTS.includes(host)) vals.server = EXO_IMAP_HOSTS[0] as string;
    if (target.port !== 993) vals.port = 993;
    if (!target.isSsl) vals.is_ssl = true;
    if (!target.active) vals.active = true;
    const oauth = target.serverType === 'outlook' || target.useMicrosoftOutlookService === true;
    if (!oauth) {
      if (major >= 16 && serverTypes.includes('outlook')) vals[typeField] = 'outlook';
      else if (major < 16 && target.useMicrosoftOutlookService !== null) {
        if (target.serverType !== 'imap') vals[typeField] = 'imap';
        vals.use_microsoft_outlook_service = true;
      } else {
        notes.push(
          'The ERP offers no Outlook OAuth server type: install the module microsoft_outlook first (Apps), then run this fix again.',
        );
      }
      if (vals[typeField] !== undefined || vals.use_microsoft_outlook_service !== undefined) {
        // A password Exchange refuses anyway; OAuth does not use it.
        vals.password = false;
      }
    }
    const switchesToOauth = vals[typeField] === 'outlook' || vals.use_microsoft_outlook_service === true;
    if (switchesToOauth || (!oauth && notes.length > 0)) {
      notes.push(
        `Left for a person: ${MENU.incoming} ▸ ${target.name} ▸ "Connect your Outlook account", sign in as ${mailbox} and consent, then click "Test & Confirm".`,
      );
    } else if (target.state !== 'done' && Object.keys(vals).length === 0) {
      return refuse(`Incoming mail server "${target.name}" only needs confirming: that is the erp-incoming-test fix (Test & Confirm).`);
    }
    if (Object.keys(vals).length === 0) {
      return refuse(notes[0] ?? `Incoming mail server "${target.name}" already has every setting this fix writes; nothing to change.`);
    }
    const changes: FixChange[] = Object.entries(vals).map(([setting, after]) => ({
      setting: `fetchmail.server.${setting}`,
      before: setting === 'password' ? '(not shown)' : ((raw[setting] as JsonValue | undefined) ?? null),
      after: setting === 'password' ? null : after,
    }));
    const { password: _password, ...observed } = raw;
    return {
      target: `fetchmail.server ${target.id} "${target.name}"`,
      changes,
      calls: [erpCall('fetchmail.server', 'write', [target.id], { vals })],
      basis: basisOf({ server: observed, serverTypes }),
      notes,
    };
  },
});
