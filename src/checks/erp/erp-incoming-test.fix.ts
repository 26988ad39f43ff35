import { basisOf, definePlanner, erpCall, refuse } from '../../engine/fix.js';
import { erpIncomingTest } from './erp-incoming-test.js';

/** Re-confirms the catch-all server ("Test & Confirm", `button_confirm_login`): the ERP logs in again and marks it confirmed. */
export const erpIncomingTestPlanner = definePlanner({
  checkId: 'erp-incoming-test',
  sources: [erpIncomingTest],
  plan(snapshot, ctx) {
    const result = snapshot.get(erpIncomingTest);
    if (result.status === 'no-server') {
      return refuse(
        `No active incoming mail server logs in as ${ctx.tenant.catchallMailbox}, so there is nothing to confirm (see erp-incoming-server).`,
      );
    }
    const { server } = result;
    // A confirmed server whose own test fails will fail the same way again: the cause is elsewhere.
    if (result.status === 'tested' && !result.outcome.ok) {
      return refuse(
        `Pressing Test & Confirm again would fail the same way ("${result.outcome.message.split('\n')[0]}"); fix the cause first (the check names it).`,
      );
    }
    if (result.status === 'tested')
      return refuse(`Incoming mail server "${server.name}" is confirmed and its test passes; nothing to change.`);
    return {
      target: `fetchmail.server ${server.id} "${server.name}"`,
      changes: [{ setting: 'fetchmail.server.state', before: server.state, after: 'done' }],
      calls: [erpCall('fetchmail.server', 'button_confirm_login', [server.id], {})],
      basis: basisOf({
        id: server.id,
        state: server.state,
        type: server.serverType,
        host: server.host,
        port: server.port,
        user: server.user,
      }),
    };
  },
});
