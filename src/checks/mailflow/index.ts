import type { CheckDefinition } from '../../engine/check.js';
import { mailflowE2eCheck } from './mailflow-e2e.js';
import { mailflowFetchmailBacklogCheck } from './mailflow-fetchmail-backlog.js';
import { mailflowImapLoginCheck } from './mailflow-imap-login.js';

/** The mailflow checks, in catalogue order. */
export const mailflowChecks: readonly CheckDefinition[] = [mailflowImapLoginCheck, mailflowFetchmailBacklogCheck, mailflowE2eCheck];
