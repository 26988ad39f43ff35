import { erpErrorNoticeTemplateRef } from '../../adapters/erp/fix-sources.js';
import { erpIncomingServers } from '../../adapters/erp/sources.js';
import { basisOf, definePlanner, erpCall, refuse } from '../../engine/fix.js';
import { ERROR_NOTICE_TEMPLATE } from './erp-error-notice-template.js';
import { catchallServer } from './shared.js';

/** Sets the OCA module's error notice template on the server reading the catch-all mailbox. */
export const erpErrorNoticeTemplatePlanner = definePlanner({
  checkId: 'erp-error-notice-template',
  sources: [erpIncomingServers, erpErrorNoticeTemplateRef],
  plan(snapshot, ctx) {
    const { servers, hasErrorNoticeField } = snapshot.get(erpIncomingServers);
    const target = catchallServer(servers, ctx.tenant);
    if (!target)
      return refuse(`There is no incoming mail server for ${ctx.tenant.catchallMailbox} to set the template on (see erp-incoming-server).`);
    const template = snapshot.get(erpErrorNoticeTemplateRef);
    if (!hasErrorNoticeField || target.errorNoticeTemplate === undefined || !template) {
      return refuse(
        'The module fetchmail_notify_error_to_sender is not installed, and installing a module is done by hand (see erp-notify-module).',
      );
    }
    const current = target.errorNoticeTemplate;
    if (current?.id === template.id)
      return refuse(`Incoming mail server "${target.name}" already uses "${template.name}"; nothing to change.`);
    return {
      target: `fetchmail.server ${target.id} "${target.name}"`,
      changes: [
        {
          setting: 'fetchmail.server.error_notice_template_id',
          before: current ? current.name : null,
          after: template.name || ERROR_NOTICE_TEMPLATE,
        },
      ],
      calls: [erpCall('fetchmail.server', 'write', [target.id], { vals: { error_notice_template_id: template.id } })],
      basis: basisOf({ server: target.id, current: current?.id ?? null, template: template.id }),
    };
  },
});
