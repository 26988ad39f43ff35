import type { LabTenant } from '../tenant.js';

/** The lab ERP's records (filled in by the ERP work). */
export interface ErpState {
  version: number;
}

export function healthyErpState(_t: LabTenant): ErpState {
  return { version: 16 };
}
