import type { LabServiceStarter } from '../service.js';

/** Starts the lab's chat services. (Placeholder until its issue lands.) */
export const startChatLab: LabServiceStarter = async () => ({ name: 'chat', stop: async () => {} });
