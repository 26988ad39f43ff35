import type { MappedCause } from '../../engine/result.js';
import type { ErrorCode } from '../../errors.js';

/**
 * The SMTP port: the bot's own conversations with the tenant's MX, as an outside sender (bound to
 * `services.sourceAddress`). A refusal by the server is a finding (`rejected`, with the reply and
 * the likely cause); only a conversation that could not finish (timeout, lost connection, TLS
 * failure) is `failed`.
 */

/** Where the bot talks SMTP to: `services.mx.host` when set, else the domain's MX record. */
export interface SmtpTarget {
  host: string;
  port: number;
  from: 'config' | 'mx-record';
}

export type SmtpStageName = 'connect' | 'ehlo' | 'starttls' | 'mail' | 'rcpt' | 'data' | 'message';

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code, when the reply has one (`5.7.64`). */
  enhanced?: string;
  /** The whole reply, lines joined with `\n`, codes included: `550 5.7.64 TenantAttribution; …`. */
  text: string;
}

export interface SmtpStageReport {
  stage: SmtpStageName;
  /** The command sent (addresses included, never a secret); none for `connect`. */
  command?: string;
  /** Whether the server's reply let the conversation go on. */
  ok: boolean;
  reply?: SmtpReply;
  /** True once the connection is TLS (after STARTTLS). */
  tls: boolean;
  durationMs: number;
}

export interface SmtpFailure {
  stage: SmtpStageName;
  /** `AdapterTimeout`, `ConnectionLost`, `AdapterUnavailable`, `GarbledResponse`. */
  code: ErrorCode;
  /** The socket / library code: `ETIMEDOUT`, `ECONNREFUSED`, `ECONNRESET`, `ETLS`… */
  errorCode: string;
  /** A sentence naming the host, the stage and what happened. */
  message: string;
}

export type SmtpOutcome = 'accepted' | 'rejected' | 'failed';

interface SmtpResultBase {
  target: SmtpTarget;
  outcome: SmtpOutcome;
  durationMs: number;
  /** When rejected: the stage and the server's reply. */
  rejection?: { stage: SmtpStageName; reply: SmtpReply };
  /** When failed: what broke, and where. */
  failure?: SmtpFailure;
  /** The likely setup step at fault (from the cause table), for a rejection or a port-25 timeout. */
  cause?: MappedCause;
}

export interface SmtpProbeRequest {
  /** MAIL FROM. */
  from: string;
  /** RCPT TO, in order; the probe stops at the first refused recipient. */
  to: string[];
  /**
   * The raw RFC 5322 message to send after DATA. Without it the probe stops after the 354 to DATA
   * (as the ERP's own Test Connection does) and sends nothing.
   */
  message?: string | Buffer;
  /** Stop after RCPT (no DATA at all). */
  stopAfterRcpt?: boolean;
  /** Default: the tenant's MX (`target()`). */
  target?: { host: string; port: number };
  /** Fail when the server does not offer STARTTLS (default true: Exchange Online always does). */
  requireTls?: boolean;
}

export interface SmtpProbeResult extends SmtpResultBase {
  stages: SmtpStageReport[];
}

/** A test mail built and sent by the bot. */
export interface OutgoingMail {
  /** Header From and envelope MAIL FROM. */
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** With angle brackets: `<token@mailsetup.invalid>`. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface SmtpSendResult extends SmtpResultBase {
  messageId: string;
  /** The server's final reply when accepted (`250 2.6.0 <…> Queued mail for delivery`). */
  response?: string;
  accepted: string[];
  rejected: string[];
}

export interface SmtpPort {
  target(): Promise<SmtpTarget>;
  /** One SMTP conversation, each stage reported with its reply and duration. */
  probe(request: SmtpProbeRequest): Promise<SmtpProbeResult>;
  /** Sends one mail through the MX (nodemailer), from `services.sourceAddress`. */
  send(mail: OutgoingMail): Promise<SmtpSendResult>;
}
