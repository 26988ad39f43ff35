import { MailsetupError } from '../../errors.js';
import { hostMismatch } from '../tls-identity.js';
import type { SmtpFailure, SmtpStageName } from './port.js';

const STAGE_WORDS: Record<SmtpStageName, string> = {
  connect: 'connecting',
  ehlo: 'EHLO',
  starttls: 'STARTTLS',
  mail: 'MAIL FROM',
  rcpt: 'RCPT TO',
  data: 'DATA',
  message: 'sending the message',
};

/** A socket, TLS or protocol error at a stage, as a coded failure with one sentence. */
export function failureOf(error: unknown, stage: SmtpStageName, where: string): SmtpFailure {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; tls?: boolean };
  const errorCode = typeof e.code === 'string' ? e.code : e.tls ? 'ETLS' : 'EUNKNOWN';
  const detail = typeof e.message === 'string' ? e.message : String(error);
  const at = `${where} (${STAGE_WORDS[stage]})`;
  const mismatch = hostMismatch(error, where.replace(/:\d+$/, ''), 'services.mx.host');
  if (mismatch) return { stage, code: 'ConfigInvalid', errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID', message: `SMTP to ${at}: ${mismatch}.` };
  if (errorCode === 'ETIMEDOUT' || errorCode === 'ETIMEOUT') {
    return { stage, code: 'AdapterTimeout', errorCode: 'ETIMEDOUT', message: `SMTP to ${at}: ${detail}.` };
  }
  if (errorCode === 'ECLOSED' || errorCode === 'ECONNRESET' || errorCode === 'EPIPE' || errorCode === 'ECONNECTION') {
    return { stage, code: 'ConnectionLost', errorCode, message: `SMTP to ${at}: the server closed the connection before answering.` };
  }
  if (errorCode === 'EPROTOCOL') return { stage, code: 'GarbledResponse', errorCode, message: `SMTP to ${at}: ${detail}.` };
  if (
    e.tls ||
    errorCode.startsWith('ERR_TLS') ||
    errorCode.includes('CERT') ||
    errorCode === 'ETLS' ||
    errorCode === 'DEPTH_ZERO_SELF_SIGNED_CERT'
  ) {
    return { stage, code: 'AdapterUnavailable', errorCode, message: `SMTP to ${at}: the TLS handshake failed (${detail}).` };
  }
  if (errorCode === 'ECONNREFUSED') return { stage, code: 'AdapterUnavailable', errorCode, message: `SMTP to ${at}: connection refused.` };
  if (errorCode === 'EADDRNOTAVAIL') {
    return {
      stage,
      code: 'ConfigInvalid',
      errorCode,
      message: `SMTP to ${at}: the source address in services.sourceAddress is not an address of this host.`,
    };
  }
  return { stage, code: 'AdapterUnavailable', errorCode, message: `SMTP to ${at}: ${detail} (${errorCode}).` };
}

const HINTS: Partial<Record<string, string>> = {
  AdapterTimeout: 'Check that outbound port 25 is open from the bot’s host and that the MX address in the config is right, then try again.',
  ConnectionLost: 'The server hung up mid-conversation; try again, and look at the MX side if it repeats.',
  AdapterUnavailable:
    'Check the MX address and port in the config (services.mx) and that the bot trusts the server’s certificate (services.caFile).',
  GarbledResponse: 'Check that services.mx points at an SMTP server.',
  ConfigInvalid: 'Use an address this host owns, or remove services.sourceAddress.',
};

/** A failure as a MailsetupError, for callers that raise rather than report. */
export function failureError(failure: SmtpFailure): MailsetupError {
  // A certificate for another host: the sentence already says what to change.
  const hint = failure.errorCode === 'ERR_TLS_CERT_ALTNAME_INVALID' ? undefined : HINTS[failure.code];
  return new MailsetupError(failure.code, failure.message, {
    hint,
    source: 'smtp',
    details: { stage: failure.stage, errorCode: failure.errorCode },
  });
}
