import { oauthSteps } from '../../adapters/imap/errors.js';
import { imapCatchallInbox } from '../../adapters/imap/sources.js';
import { defineCheck } from '../../engine/check.js';

export const mailflowImapLoginCheck = defineCheck({
  meta: {
    id: 'mailflow-imap-login',
    title: 'The bot can log into the catch-all mailbox over IMAP',
    area: 'mailflow',
    severity: 'high',
    dependsOn: [],
    sources: [imapCatchallInbox],
    fixable: false,
    watched: true,
  },
  explainFile: new URL('./mailflow-imap-login.md', import.meta.url),
  run(snapshot, ctx) {
    const result = snapshot.get(imapCatchallInbox);
    const mailbox = ctx.tenant.catchallMailbox;
    const oauth = ctx.tenant.imap.auth === 'oauth';
    const method = oauth ? 'xoauth2' : 'password';
    const expected = { login: 'accepted', method, mailbox };
    const resource = { kind: 'Mailbox', name: mailbox };
    if (!result.ok) {
      const clientId = ctx.tenant.microsoft?.clientId ?? '<app id>';
      return {
        status: 'fail',
        detail: `${result.message} The bot logged in with ${oauth ? 'an app-only OAuth token (XOAUTH2)' : 'a password'} as ${result.user} at ${result.host}:${result.port}; expected the login to be accepted.`,
        observed: { host: result.host, port: result.port, user: result.user, method: result.method, serverResponse: result.serverResponse },
        expected,
        resource,
        remediation: {
          manual: result.hint || (oauth ? oauthSteps(mailbox, clientId) : 'Check the IMAP user and password in the config.'),
          command: !oauth
            ? undefined
            : result.refusedAt === 'mailbox'
              ? // Token taken, mailbox refused: no FullAccess for the service principal, or IMAP off on the mailbox.
                `Add-MailboxPermission -Identity ${mailbox} -User <service principal> -AccessRights FullAccess; ` +
                `Set-CASMailbox -Identity ${mailbox} -ImapEnabled $true`
              : `New-ServicePrincipal -AppId ${clientId} -ServiceId <enterprise app object id>; ` +
                `Add-MailboxPermission -Identity ${mailbox} -User <service principal> -AccessRights FullAccess`,
        },
      };
    }
    const { login, backlog } = result.inbox;
    return {
      status: 'pass',
      detail: `The bot logged into ${login.user} at ${login.host}:${login.port} with ${login.method === 'xoauth2' ? 'an app-only OAuth token (XOAUTH2)' : 'a password'} and opened INBOX (${backlog.total} message${backlog.total === 1 ? '' : 's'}).`,
      observed: {
        host: login.host,
        port: login.port,
        user: login.user,
        method: login.method,
        capabilities: login.capabilities,
        messages: backlog.total,
      },
      expected,
      resource,
    };
  },
});
