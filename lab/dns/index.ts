import type { LabServiceStarter } from '../service.js';

/** Starts the lab's dns services. (Placeholder until its issue lands.) */
export const startDnsLab: LabServiceStarter = async () => ({ name: 'dns', stop: async () => {} });
