import type { LabServiceStarter } from '../service.js';

/** Starts the lab's mail services. (Placeholder until its issue lands.) */
export const startMailLab: LabServiceStarter = async () => ({ name: 'mail', stop: async () => {} });
