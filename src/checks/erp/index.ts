import type { CheckDefinition } from '../../engine/check.js';
import { erpEnvelopeSenderCheck } from './erp-envelope-sender.js';
import { erpErrorNoticeTemplateCheck } from './erp-error-notice-template.js';
import { erpIncomingServerCheck } from './erp-incoming-server.js';
import { erpIncomingTestCheck } from './erp-incoming-test.js';
import { erpNotifyModuleCheck } from './erp-notify-module.js';
import { erpOutgoingServerCheck } from './erp-outgoing-server.js';
import { erpOutgoingTestCheck } from './erp-outgoing-test.js';
import { erpReachableCheck } from './erp-reachable.js';
import { erpSalesAliasCheck } from './erp-sales-alias.js';
import { erpSystemParamsCheck } from './erp-system-params.js';

/** The erp checks, in catalogue order. */
export const erpChecks: readonly CheckDefinition[] = [
  erpReachableCheck,
  erpNotifyModuleCheck,
  erpOutgoingServerCheck,
  erpOutgoingTestCheck,
  erpEnvelopeSenderCheck,
  erpIncomingServerCheck,
  erpIncomingTestCheck,
  erpErrorNoticeTemplateCheck,
  erpSystemParamsCheck,
  erpSalesAliasCheck,
];
