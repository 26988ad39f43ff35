import type { FixPlanner } from '../engine/fix.js';
import { erpErrorNoticeTemplatePlanner } from './erp/erp-error-notice-template.fix.js';
import { erpIncomingServerPlanner } from './erp/erp-incoming-server.fix.js';
import { erpIncomingTestPlanner } from './erp/erp-incoming-test.fix.js';
import { erpOutgoingServerPlanner } from './erp/erp-outgoing-server.fix.js';
import { erpSalesAliasPlanner } from './erp/erp-sales-alias.fix.js';
import { erpSystemParamsPlanner } from './erp/erp-system-params.fix.js';
import { exchangeAcceptedDomainPlanner } from './exchange/exchange-accepted-domain.fix.js';
import { exchangeCatchallMailboxPlanner } from './exchange/exchange-catchall-mailbox.fix.js';
import { exchangeCatchallRulePlanner } from './exchange/exchange-catchall-rule.fix.js';
import { exchangeConnectorPlanner } from './exchange/exchange-connector.fix.js';
import { exchangeConnectorIpsPlanner } from './exchange/exchange-connector-ips.fix.js';
import { exchangeDynamicGroupPlanner } from './exchange/exchange-dynamic-group.fix.js';
import { mailflowFetchmailBacklogPlanner } from './mailflow/mailflow-fetchmail-backlog.fix.js';

/** One planner per check whose meta says `fixable: true` (an explicit list, like the catalogue). */
export const PLANNERS: readonly FixPlanner[] = [
  exchangeConnectorPlanner,
  exchangeConnectorIpsPlanner,
  exchangeCatchallMailboxPlanner,
  exchangeDynamicGroupPlanner,
  exchangeCatchallRulePlanner,
  exchangeAcceptedDomainPlanner,
  erpOutgoingServerPlanner,
  erpIncomingServerPlanner,
  erpIncomingTestPlanner,
  erpErrorNoticeTemplatePlanner,
  erpSystemParamsPlanner,
  erpSalesAliasPlanner,
  mailflowFetchmailBacklogPlanner,
];

export function findPlanner(checkId: string, planners: readonly FixPlanner[] = PLANNERS): FixPlanner | undefined {
  return planners.find((p) => p.checkId === checkId);
}
