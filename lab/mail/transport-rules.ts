import type { MicrosoftState, TransportRule } from '../microsoft/state.js';
import { findGroup, isInOrganization, resolveRecipient } from './directory.js';

type Exchange = MicrosoftState['exchange'];
type Scope = TransportRule['SentToScope'];

/** One recipient of a message, as transport rules see it (Exchange bifurcates per recipient). */
export interface RuleInput {
  sender: string;
  recipient: string;
  subject: string;
  /** The sender counts as internal (in an accepted domain and attributed to the tenant by a connector). */
  senderInOrganization: boolean;
}

export interface RuleOutcome {
  /** Where the message goes for this recipient: itself, the redirect targets, or nowhere (deleted). */
  targets: string[];
  /** Rules that acted, in order. */
  applied: { rule: string; action: 'redirect' | 'delete' }[];
}

/**
 * Applies transport rules the way Exchange Online does: by `Priority` (0 first), only rules that are
 * `State Enabled` and `Mode Enforce` act (Audit / AuditAndNotify only log), every condition must
 * match (a rule with none applies to all messages), any exception stops it, and
 * `StopRuleProcessing` ends the evaluation.
 */
export function applyTransportRules(exchange: Exchange, input: RuleInput): RuleOutcome {
  const outcome: RuleOutcome = { targets: [input.recipient.toLowerCase()], applied: [] };
  const rules = [...exchange.transportRules].sort((a, b) => a.Priority - b.Priority);
  for (const rule of rules) {
    if (rule.State !== 'Enabled' || rule.Mode !== 'Enforce') continue;
    if (!conditionsMatch(exchange, rule, input) || exceptionApplies(exchange, rule, input)) continue;
    if (rule.DeleteMessage) {
      outcome.targets = [];
      outcome.applied.push({ rule: rule.Name, action: 'delete' });
      return outcome;
    }
    if (rule.RedirectMessageTo && rule.RedirectMessageTo.length > 0) {
      outcome.targets = rule.RedirectMessageTo.map((r) => resolveRecipient(exchange, r));
      outcome.applied.push({ rule: rule.Name, action: 'redirect' });
    }
    if (rule.StopRuleProcessing) break;
  }
  return outcome;
}

function conditionsMatch(exchange: Exchange, rule: TransportRule, input: RuleInput): boolean {
  if (rule.SentTo?.length && !listed(exchange, rule.SentTo, input.recipient)) return false;
  if (rule.SentToScope && !inScope(exchange, rule.SentToScope, input.recipient)) return false;
  if (rule.From?.length && !listed(exchange, rule.From, input.sender)) return false;
  if (rule.FromScope && (rule.FromScope === 'InOrganization') !== input.senderInOrganization) return false;
  if (rule.SubjectContainsWords?.length) {
    const subject = input.subject.toLowerCase();
    if (!rule.SubjectContainsWords.some((w) => subject.includes(w.toLowerCase()))) return false;
  }
  return true;
}

function exceptionApplies(exchange: Exchange, rule: TransportRule, input: RuleInput): boolean {
  if (rule.ExceptIfSentToScope && inScope(exchange, rule.ExceptIfSentToScope, input.recipient)) return true;
  if (rule.ExceptIfSentTo?.length && listed(exchange, rule.ExceptIfSentTo, input.recipient)) return true;
  if (rule.ExceptIfSentToMemberOf?.length) {
    const recipient = input.recipient.toLowerCase();
    return rule.ExceptIfSentToMemberOf.some((identity) =>
      findGroup(exchange, identity)?.members.some((m) => m.toLowerCase() === recipient),
    );
  }
  return false;
}

function listed(exchange: Exchange, references: string[], address: string): boolean {
  const wanted = address.toLowerCase();
  return references.some((r) => resolveRecipient(exchange, r) === wanted);
}

function inScope(exchange: Exchange, scope: NonNullable<Scope>, address: string): boolean {
  const inside = isInOrganization(exchange, address);
  return scope === 'InOrganization' ? inside : !inside;
}
