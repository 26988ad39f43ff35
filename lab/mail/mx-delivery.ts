import type { LabState } from '../state.js';
import { domainOf, isInOrganization, mailboxAddress } from './directory.js';
import { exchangeReceivedChain } from './received-chain.js';
import type { LabMailbox, LabMessage } from './state.js';
import { appendMessage, ensureMailbox, findMailbox } from './store.js';
import { applyTransportRules } from './transport-rules.js';

/** A message the MX accepted, about to be routed. `raw` is a binary string (one char per byte). */
export interface AcceptedMessage {
  from: string;
  to: string[];
  raw: string;
  /** The public IP the sender is known by (after the lab's egress mapping). */
  senderIp: string;
  senderInOrganization: boolean;
  helo: string;
  tls: boolean;
  /** The MX's own host name, for `Received:` and NDR texts. */
  mxHost: string;
}

export type Delivered = (box: LabMailbox, message: LabMessage) => void;

/**
 * After DATA: transport rules per recipient (Exchange bifurcates), then delivery — to a tenant
 * mailbox, to each member of a group, to the outside world (relay), or lost with an NDR to the
 * sender (an address of an InternalRelay domain with no mailbox loops back to Exchange).
 */
export function routeMessage(state: LabState, message: AcceptedMessage, delivered: Delivered): void {
  const exchange = state.microsoft.exchange;
  const subject = headerValue(message.raw, 'subject') ?? '';
  const done = new Set<string>();
  for (const recipient of message.to) {
    const outcome = applyTransportRules(exchange, {
      sender: message.from,
      recipient,
      subject,
      senderInOrganization: message.senderInOrganization,
    });
    for (const target of outcome.targets) {
      for (const address of expandGroups(state, target)) {
        if (done.has(address)) continue;
        done.add(address);
        deliverOne(state, message, address, subject, delivered);
      }
    }
  }
}

function deliverOne(state: LabState, message: AcceptedMessage, address: string, subject: string, delivered: Delivered): void {
  const exchange = state.microsoft.exchange;
  const envelope = { from: message.from, to: [address] };
  if (!isInOrganization(exchange, address)) {
    const box = ensureMailbox(state.mail, address, 'outside');
    delivered(box, appendMessage(box, exchangeReceivedChain(message, 'outside') + message.raw, { envelope }));
    return;
  }
  const mailbox = mailboxAddress(exchange, address);
  if (mailbox) {
    const box = ensureMailbox(state.mail, mailbox, 'exchange');
    delivered(box, appendMessage(box, exchangeReceivedChain(message, 'mailbox') + message.raw, { envelope }));
    return;
  }
  // InternalRelay: Exchange relays the unknown address to the domain's MX — itself — until the hop count runs out.
  bounce(state, message, address, subject, '5.4.14', 'Hop count exceeded - possible mail loop ATTR34', delivered);
}

function expandGroups(state: LabState, address: string): string[] {
  const group = state.microsoft.exchange.dynamicGroups.find((g) => g.PrimarySmtpAddress.toLowerCase() === address.toLowerCase());
  return group ? group.members.map((m) => m.toLowerCase()) : [address.toLowerCase()];
}

function bounce(
  state: LabState,
  message: AcceptedMessage,
  recipient: string,
  subject: string,
  code: string,
  text: string,
  delivered: Delivered,
): void {
  const at = Date.now();
  state.mail.ndrs.push({ at, sender: message.from, recipient, code, text });
  const senderBox = findMailbox(state.mail, message.from);
  if (!senderBox || message.from === '') return;
  const postmaster = `postmaster@${domainOf(recipient)}`;
  const date = new Date(at).toUTCString();
  const reply = `${code.startsWith('5.4.14') ? '554' : '550'} ${code} ${text} [${message.mxHost}]`;
  const boundary = `ndr-${at.toString(36)}-${state.mail.ndrs.length}`;
  const originalHead = message.raw.split(/\r?\n\r?\n/)[0] ?? '';
  // A delivery status notification as Exchange Online writes it (RFC 3464: multipart/report).
  const ndr = [
    `Received: from ${message.mxHost} by ${message.mxHost} with Microsoft SMTP Server id 15.20.8000.0; ${date}`,
    `From: Microsoft Outlook <${postmaster}>`,
    `To: <${message.from}>`,
    `Subject: Undeliverable: ${subject}`,
    `Date: ${date}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    'X-MS-Exchange-Message-Is-Ndr:',
    'Auto-Submitted: auto-replied',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset="us-ascii"',
    '',
    'Delivery has failed to these recipients or groups:',
    '',
    recipient,
    '',
    'Diagnostic information for administrators:',
    '',
    `Remote Server returned '${reply}'`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns;${message.mxHost}`,
    `Arrival-Date: ${date}`,
    '',
    `Final-Recipient: rfc822;${recipient}`,
    'Action: failed',
    `Status: ${code}`,
    `Diagnostic-Code: smtp;${reply}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    originalHead,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  delivered(senderBox, appendMessage(senderBox, ndr, { at, envelope: { from: '', to: [message.from] } }));
}

/** The first value of a header in a raw message (folded lines joined), or undefined. */
export function headerValue(raw: string, name: string): string | undefined {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const wanted = `${name.toLowerCase()}:`;
  for (const line of head.split(/\r?\n/)) {
    if (line.toLowerCase().startsWith(wanted)) return line.slice(wanted.length).trim();
  }
  return undefined;
}
