import type { LabServiceStarter } from '../service.js';

/** Starts the lab's erp services. (Placeholder until its issue lands.) */
export const startErpLab: LabServiceStarter = async () => ({ name: 'erp', stop: async () => {} });
