import { erpIncomingServers } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import { catchallServer, DEV_MODE, MENU } from './shared.js';

export const ERROR_NOTICE_TEMPLATE = 'Fetchmail - error notice';

export const erpErrorNoticeTemplateCheck = defineCheck({
  meta: {
    id: 'erp-error-notice-template',
    title: 'The incoming mail server sends the error notice',
    area: 'erp',
    severity: 'medium',
    // The template field comes with the module.
    dependsOn: ['erp-reachable', 'erp-notify-module'],
    sources: [erpIncomingServers],
    fixable: true,
    watched: false,
  },
  explainFile: new URL('./erp-error-notice-template.md', import.meta.url),
  run(snapshot, ctx) {
    const { servers, hasErrorNoticeField } = snapshot.get(erpIncomingServers);
    const mailbox = ctx.tenant.catchallMailbox;
    const expected = { error_notice_template_id: ERROR_NOTICE_TEMPLATE };
    const target = catchallServer(servers, ctx.tenant);
    const remediation = (name: string, id?: number) => ({
      manual: `${DEV_MODE} Then ${MENU.incoming} ▸ ${name} ▸ Error notice template: "${ERROR_NOTICE_TEMPLATE}"; Save.`,
      command: `fetchmail.server${id ? `(${id})` : ''}: error_notice_template_id = fetchmail_notify_error_to_sender.email_template_error_notice`,
    });
    if (!target) {
      return {
        status: 'fail',
        detail: `There is no incoming mail server for ${mailbox} to set the error notice template on (see erp-incoming-server).`,
        observed: { servers: servers.map((s) => ({ id: s.id, name: s.name, user: s.user })) },
        expected,
        resource: { kind: 'fetchmail.server' },
        remediation: remediation('(the server of the catch-all mailbox)'),
      };
    }
    const resource = { kind: 'fetchmail.server', id: String(target.id), name: target.name };
    if (!hasErrorNoticeField || target.errorNoticeTemplate === undefined) {
      return {
        status: 'fail',
        detail: `Incoming mail server "${target.name}" has no error_notice_template_id field, expected one set to "${ERROR_NOTICE_TEMPLATE}": the module fetchmail_notify_error_to_sender is not active.`,
        observed: { server: target.raw },
        expected,
        resource,
        remediation: { manual: 'Install fetchmail_notify_error_to_sender first (see erp-notify-module), then set the template.' },
      };
    }
    const template = target.errorNoticeTemplate;
    const observed = { server: target.raw, error_notice_template_id: template ? [template.id, template.name] : false };
    if (template?.name === ERROR_NOTICE_TEMPLATE) {
      return {
        status: 'pass',
        detail: `Incoming mail server "${target.name}" sends "${ERROR_NOTICE_TEMPLATE}" for unroutable mail.`,
        observed,
        expected,
        resource,
      };
    }
    return {
      status: 'fail',
      detail:
        `Incoming mail server "${target.name}": error_notice_template_id is ${template ? `"${template.name}"` : 'empty'}, expected "${ERROR_NOTICE_TEMPLATE}": ` +
        'senders who write to a wrong address get no notice.',
      observed,
      expected,
      resource,
      remediation: remediation(target.name, target.id),
    };
  },
});
