import type { CheckDefinition } from '../../engine/check.js';
import { mailflowFetchmailBacklogCheck } from './mailflow-fetchmail-backlog.js';
import { mailflowImapLoginCheck } from './mailflow-imap-login.js';

/** The mailflow checks, in catalogue order. */
export const mailflowChecks: readonly CheckDefinition[] = [mailflowImapLoginCheck, mailflowFetchmailBacklogCheck];
