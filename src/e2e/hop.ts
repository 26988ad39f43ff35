import type { SmtpSendResult } from '../adapters/smtp/port.js';
import type { MappedCause } from '../engine/result.js';
import { isMailsetupError } from '../errors.js';
import { causeOfText } from '../mail/causes.js';
import type { E2eRun } from './context.js';
import type { E2eHop } from './types.js';

export type HopBody = Omit<E2eHop, 'id' | 'name' | 'durationMs'>;

/** One hop of the test (DESIGN §5), as checks are: its id, its title, and what it does. */
export interface HopDef {
  id: string;
  title(run: E2eRun): string;
  /** Hops that must have passed first; otherwise this one is skipped as not reached. */
  needs?: readonly string[];
  /** What it says when skipped because `blocker` did not pass (default: "Not reached: …"). */
  notReached?(blocker: E2eHop): string;
  run(run: E2eRun): Promise<HopBody>;
}

export function defineHop(def: HopDef): HopDef {
  return def;
}

/** Runs one hop, timing it; a coded error becomes an `error` hop (the bot could not tell), never a crash. */
export async function runHop(id: string, name: string, body: () => Promise<HopBody>): Promise<E2eHop> {
  const started = performance.now();
  try {
    const result = await body();
    return { id, name, ...result, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    if (isMailsetupError(error)) {
      const cause = error.source === 'imap' ? causeOfText(error.message, { protocol: 'imap', seenBy: 'bot' }) : undefined;
      return {
        id,
        name,
        status: 'error',
        durationMs,
        detail: error.userMessage,
        evidence: { errorCode: error.code, ...(error.details ?? {}) },
        ...(cause ? { cause } : {}),
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { id, name, status: 'error', durationMs, detail: `Unexpected error: ${message}`, evidence: { errorCode: 'Internal' } };
  }
}

export function skipped(id: string, name: string, detail: string): E2eHop {
  return { id, name, status: 'skip', detail };
}

/** An SMTP send as a hop: accepted → pass; refused → fail with the reply and cause; broken → error. */
export function sendHop(result: SmtpSendResult, recipient: string): HopBody {
  const where = `${result.target.host}:${result.target.port}`;
  if (result.outcome === 'accepted') {
    return {
      status: 'pass',
      detail: `${where} accepted the test mail to ${recipient} (${replyCodes(result.response ?? '250')}).`,
      evidence: { target: where, response: result.response, messageId: result.messageId },
    };
  }
  if (result.outcome === 'rejected' && result.rejection) {
    return {
      status: 'fail',
      detail: `${where} refused ${stageCommand(result.rejection.stage, recipient)}: ${firstLine(result.rejection.reply.text)}.`,
      evidence: { target: where, stage: result.rejection.stage, reply: result.rejection.reply.text },
      ...(result.cause ? { cause: result.cause } : {}),
    };
  }
  const failure = result.failure;
  return {
    status: 'error',
    detail: failure?.message ?? `SMTP to ${where} failed.`,
    evidence: { target: where, stage: failure?.stage, errorCode: failure?.errorCode, code: failure?.code },
    ...(result.cause ? { cause: result.cause } : {}),
  };
}

function stageCommand(stage: string, recipient: string): string {
  switch (stage) {
    case 'rcpt':
      return `RCPT TO:<${recipient}>`;
    case 'mail':
      return 'MAIL FROM';
    case 'data':
    case 'message':
      return 'the message';
    default:
      return `the connection (${stage})`;
  }
}

/** `250 2.6.0` from a long acceptance reply. */
function replyCodes(reply: string): string {
  return /^\d{3}(?:[ -][245]\.\d{1,3}\.\d{1,3})?/.exec(reply.trim())?.[0] ?? firstLine(reply);
}

export function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).trim().replace(/\.$/, '');
}

/** A duration in a sentence, to a tenth of a second: `12.3 s`. */
export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** How long ago, in a person's form: `40 s ago`, `12 min ago`, `3 h ago`, `2 days ago`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 2) return 'just now';
  if (s < 90) return `${s} s ago`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 36) return `${h} h ago`;
  const days = Math.round(h / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** Hop knowledge: a cause for a symptom that has no reply code. */
export function hopCause(code: string, checkId: string, explanation: string, fix: string): MappedCause {
  return { code, checkId, explanation, fix };
}
