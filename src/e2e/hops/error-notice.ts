import { causeOfText } from '../../mail/causes.js';
import type { E2eRun } from '../context.js';
import { defineHop, firstLine, formatSeconds, hopCause } from '../hop.js';
import { pollUntil } from '../poll.js';

/** The mail to the wrong address gets the ERP's error notice back to the sender (fetchmail_notify_error_to_sender). */
export const errorNotice = defineHop({
  id: 'error-notice',
  title: () => "The sender gets the ERP's error notice",
  needs: ['erp-fetch'],
  async run(run) {
    const { adapters, found, tenant, wrongTo, catchall, sender, signal } = run;
    if (!found.sent.wrong) return { status: 'skip', detail: 'Not checked: the mail to the wrong address was not accepted.' };
    if (!found.wrong) {
      return {
        status: 'fail',
        detail: `The mail to ${wrongTo} never reached ${catchall}, so the ERP could not answer it.`,
        cause: hopCause(
          'not redirected',
          'exchange-catchall-rule',
          'Mail to unknown addresses of the domain must be redirected to the catch-all mailbox too.',
          'Check the catch-all rule and its exceptions (`check exchange-catchall-rule`).',
        ),
      };
    }
    if (!run.probeReadable) return { status: 'skip', detail: 'Not checked: no probe mailbox to read (tenants[].probe.imap).' };
    const [module] = await adapters.erp.installedModules(['fetchmail_notify_error_to_sender'], signal);
    if (module?.state !== 'installed') {
      return {
        status: 'fail',
        detail: `The ERP sends no error notice: the module fetchmail_notify_error_to_sender is ${module?.state ?? 'absent'}.`,
        evidence: { module: module ?? null },
        cause: hopCause(
          'module missing',
          'erp-notify-module',
          'Without the OCA module the ERP drops mail to unknown addresses silently.',
          'Install fetchmail_notify_error_to_sender (`explain erp-notify-module`).',
        ),
      };
    }
    if (found.incoming && found.incoming.errorNoticeTemplate === null) {
      return {
        status: 'fail',
        detail: `The incoming server "${found.incoming.name}" has no error notice template, so the ERP sends no notice.`,
        cause: hopCause(
          'no template',
          'erp-error-notice-template',
          'The module is installed but the server has no template set.',
          'Set "Fetchmail - error notice" on the incoming server (`check erp-error-notice-template`).',
        ),
      };
    }
    const t0 = performance.now();
    let refused: string | undefined;
    const notice = await pollUntil(
      async () => {
        const [message, failure] = await Promise.all([
          adapters.imap.findMessage('probe', run.tokens.wrongAddress, signal),
          failedOutgoing(run, run.tokens.wrongAddress),
        ]);
        if (message) return message;
        if (failure) {
          refused = failure;
          return null;
        }
        return undefined;
      },
      { ...run.poll, timeoutMs: run.options.deliveryTimeoutMs },
    );
    const probe = tenant.probe?.imap?.user ?? sender;
    if (refused !== undefined) {
      return {
        status: 'fail',
        detail: `The ERP tried to send the error notice but its outgoing server failed: ${firstLine(refused)}.`,
        evidence: { failureReason: refused },
        cause:
          causeOfText(refused, { protocol: 'smtp', port: 25, seenBy: 'erp' }) ??
          hopCause(
            'send failed',
            'erp-outgoing-test',
            'The ERP could not send through its outgoing server.',
            "Run the outgoing server's Test Connection (`check erp-outgoing-test`).",
          ),
      };
    }
    if (!notice) {
      return {
        status: 'fail',
        detail: `No error notice for the mail to ${wrongTo} reached ${probe} within ${formatSeconds(run.options.deliveryTimeoutMs)}.`,
        cause: hopCause(
          'no notice',
          'erp-error-notice-template',
          'The ERP did not answer the wrong address: the template is not the "Fetchmail - error notice", or the notice was lost on its way out.',
          'Check `check erp-error-notice-template` and `check erp-outgoing-test`.',
        ),
      };
    }
    found.notice = notice;
    return {
      status: 'pass',
      detail: `"${notice.subject}" reached ${probe} after ${Math.round(performance.now() - t0)} ms.`,
      evidence: { uid: notice.uid, subject: notice.subject, from: notice.from },
    };
  },
});

/** The ERP's queued mail for this token that failed to send, if any (Odoo keeps failed `mail.mail` with a reason). */
async function failedOutgoing(run: E2eRun, token: string): Promise<string | undefined> {
  try {
    const rows = await run.adapters.erp.searchRead('mail.mail', [['subject', 'ilike', token]], ['state', 'failure_reason'], {
      limit: 5,
      ...(run.signal ? { signal: run.signal } : {}),
    });
    const failed = rows.find((r) => r.state === 'exception');
    return failed ? String(failed.failure_reason ?? 'delivery failed') : undefined;
  } catch {
    // A diagnostic only: without read access to mail.mail the notice wait still works.
    return undefined;
  }
}
