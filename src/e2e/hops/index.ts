import { catchallInbox } from './catchall-inbox.js';
import { crmLead } from './crm-lead.js';
import { erpEgressIp } from './erp-egress-ip.js';
import { erpFetch } from './erp-fetch.js';
import { errorNotice } from './error-notice.js';
import { mxSales } from './mx-sales.js';
import { mxWrongAddress } from './mx-wrong-address.js';

export { cleanup } from './cleanup.js';

/** The test mail's way, in order (DESIGN §5). The cleanup runs after them, whatever happened. */
export const HOPS = [mxSales, mxWrongAddress, catchallInbox, erpFetch, crmLead, errorNotice, erpEgressIp] as const;
