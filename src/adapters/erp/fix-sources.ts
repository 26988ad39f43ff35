import { defineSource } from '../../engine/source.js';
import { num, text } from './normalise.js';

/** Reads the ERP fixes need beyond the checks' own: the records a fix points at. */

/** The OCA module's "Fetchmail - error notice" template, by its XML id; null when the module does not ship it. */
export const erpErrorNoticeTemplateRef = defineSource<{ id: number; name: string } | null>({
  key: 'erp.error-notice-template-ref',
  label: 'the error notice template (fetchmail_notify_error_to_sender.email_template_error_notice)',
  fetch: async (ctx) => {
    const [data] = await ctx.adapters.erp.searchRead(
      'ir.model.data',
      [
        ['module', '=', 'fetchmail_notify_error_to_sender'],
        ['name', '=', 'email_template_error_notice'],
      ],
      ['res_id'],
      { limit: 1, signal: ctx.signal },
    );
    const id = num(data?.res_id);
    if (id === null) return null;
    const [template] = await ctx.adapters.erp.read('mail.template', [id], ['name'], { signal: ctx.signal });
    return template ? { id, name: text(template.name) ?? '' } : null;
  },
});
