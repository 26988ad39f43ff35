import type { ErpIncomingServer } from '../adapters/erp/port.js';
import type { FoundMessage } from '../adapters/imap/port.js';
import type { Adapters } from '../adapters/index.js';
import type { OutgoingMail } from '../adapters/smtp/port.js';
import type { TenantConfig } from '../config/schema.js';
import { MailsetupError } from '../errors.js';
import type { PollOptions } from './poll.js';
import { newToken, TEST_HEADER, testMessageId, testSubject } from './token.js';
import type { E2eOptions, E2eResult } from './types.js';

/** One end-to-end run: what every hop reads (addresses, tokens) and what the hops found for the ones after them. */
export interface E2eRun {
  adapters: Adapters;
  tenant: TenantConfig;
  options: E2eOptions;
  signal?: AbortSignal;
  sender: string;
  tokens: E2eResult['tokens'];
  salesTo: string;
  wrongTo: string;
  salesMessageId: string;
  catchall: string;
  /** The probe mailbox can be read (`tenants[].probe.imap`): bounces and the error notice arrive there. */
  probeReadable: boolean;
  /** Polling with the run's pacing; add `timeoutMs`. */
  poll: Omit<PollOptions, 'timeoutMs'>;
  found: {
    sent: { sales: boolean; wrong: boolean };
    sales?: FoundMessage;
    wrong?: FoundMessage;
    notice?: FoundMessage;
    /** The ERP was asked to fetch (before that, nothing of the test can be in the ERP). */
    fetchAsked?: boolean;
    /** The test mail came back as undeliverable (so it is nowhere to clean up). */
    bounced?: boolean;
    incoming?: ErpIncomingServer;
    lead?: { id: number; name: string };
  };
  /** A test mail with its token in the subject, header and Message-ID. */
  mail(token: string, to: string): OutgoingMail;
}

export function newRun(input: { adapters: Adapters; tenant: TenantConfig; options: E2eOptions; signal?: AbortSignal }): E2eRun {
  const { tenant } = input;
  const sender = tenant.probe?.outsideSender;
  if (!sender) {
    throw new MailsetupError(
      'ConfigInvalid',
      `test-email needs an outside sender, and tenants[].probe.outsideSender is not set for ${tenant.name}.`,
      {
        hint: 'Add `probe: { outsideSender: probe@<a domain outside the tenant> }`, and `probe.imap` so the bot can read the error notice.',
      },
    );
  }
  const tokens = { sales: newToken(), wrongAddress: newToken() };
  const salesTo = `${tenant.erp.salesAlias}@${tenant.domain}`;
  return {
    ...input,
    sender,
    tokens,
    salesTo,
    wrongTo: `mailsetup-nobody-${tokens.wrongAddress}@${tenant.domain}`,
    salesMessageId: testMessageId(tokens.sales, sender),
    catchall: tenant.catchallMailbox,
    probeReadable: tenant.probe?.imap !== undefined,
    poll: { initialMs: input.options.pollInitialMs, maxMs: input.options.pollMaxMs, ...(input.signal ? { signal: input.signal } : {}) },
    found: { sent: { sales: false, wrong: false } },
    mail: (token, to) => ({
      from: sender,
      to: [to],
      subject: testSubject(token),
      text: `This is a test mail sent by mailsetup (token ${token}) to check that mail to ${to} reaches the ERP. It is removed automatically.`,
      messageId: testMessageId(token, sender),
      headers: { [TEST_HEADER]: token },
    }),
  };
}
