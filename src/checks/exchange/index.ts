import type { CheckDefinition } from '../../engine/check.js';
import { exchangeAcceptedDomainCheck } from './exchange-accepted-domain.js';
import { exchangeCatchallMailboxCheck } from './exchange-catchall-mailbox.js';
import { exchangeCatchallRuleCheck } from './exchange-catchall-rule.js';
import { exchangeConnectorCheck } from './exchange-connector.js';
import { exchangeConnectorIpsCheck } from './exchange-connector-ips.js';
import { exchangeDynamicGroupCheck } from './exchange-dynamic-group.js';
import { exchangeRejectDirectSendCheck } from './exchange-reject-direct-send.js';

/** The exchange checks, in catalogue order. */
export const exchangeChecks: readonly CheckDefinition[] = [
  exchangeConnectorCheck,
  exchangeConnectorIpsCheck,
  exchangeCatchallMailboxCheck,
  exchangeDynamicGroupCheck,
  exchangeCatchallRuleCheck,
  exchangeAcceptedDomainCheck,
  exchangeRejectDirectSendCheck,
];
