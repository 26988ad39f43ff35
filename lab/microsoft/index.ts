import type { LabServiceStarter } from '../service.js';

/** Starts the lab's microsoft services. (Placeholder until its issue lands.) */
export const startMicrosoftLab: LabServiceStarter = async () => ({ name: 'microsoft', stop: async () => {} });
