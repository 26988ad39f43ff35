import { MailsetupError } from '../errors.js';
import type { CommandSpec } from './context.js';

/** Placeholder until the end-to-end test lands (replaced by src/e2e). */
export const testEmailCommand: CommandSpec = {
  verb: 'test-email',
  summary: 'Sends real mail through the whole loop and reports each hop with its time.',
  usage: 'test-email [tenant]',
  examples: ['test-email'],
  async run() {
    throw new MailsetupError('UsageError', '`test-email` is not in this build yet.');
  },
};
