import { erpInstalledModules, erpLogin } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import { MENU, sessionOf } from './shared.js';

const MODULE = 'fetchmail_notify_error_to_sender';
const INSTALLED = ['installed', 'to upgrade'];

export const erpNotifyModuleCheck = defineCheck({
  meta: {
    id: 'erp-notify-module',
    title: 'The ERP tells senders when their mail cannot be delivered',
    area: 'erp',
    severity: 'medium',
    dependsOn: ['erp-reachable'],
    sources: [erpInstalledModules, erpLogin],
    fixable: false,
    watched: false,
  },
  explainFile: new URL('./erp-notify-module.md', import.meta.url),
  run(snapshot) {
    const session = sessionOf(snapshot);
    const state = snapshot.get(erpInstalledModules).find((m) => m.name === MODULE)?.state ?? 'absent';
    const observed = { module: MODULE, state };
    const expected = { module: MODULE, state: 'installed' };
    const resource = { kind: 'ir.module.module', name: MODULE };
    if (INSTALLED.includes(state)) {
      return { status: 'pass', detail: `The module ${MODULE} is installed (state ${state}).`, observed, expected, resource };
    }
    const seen = state === 'absent' ? 'is not in the ERP at all (not in its addons path)' : `is not installed (state "${state}")`;
    const v19 = session.version.major >= 19 ? ' OCA publishes no 19.0 release yet, so it must be ported first.' : '';
    return {
      status: 'fail',
      detail:
        `The OCA module ${MODULE} ${seen}, expected installed: mail to an address that matches no alias is dropped silently ` +
        `and the sender never learns it.${v19}`,
      observed,
      expected,
      resource,
      remediation: {
        manual:
          `Put ${MODULE} from OCA/server-tools (branch ${session.version.major}.0) in the ERP's addons path, restart the ERP, ` +
          `then ${MENU.apps} ▸ Update Apps List, search "${MODULE}" (remove the "Apps" filter) and click Activate.`,
        command: `${MENU.apps} ▸ Update Apps List ▸ ${MODULE} ▸ Activate`,
      },
    };
  },
});
