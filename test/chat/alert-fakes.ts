import type {
  AlertActions,
  AlertActor,
  AlertButton,
  AlertClickOutcome,
  AlertPoster,
  AlertPosterRegistry,
} from '../../src/monitor/contract.js';
import type { AlertAction, Message } from '../../src/render/message.js';

export const ALERT_ID = 'al-contoso-catchall-1';
/** The fix plan the Fix button's reply carries. */
export const FIX_PLAN_ID = 'p-fake-catchall-plan';

/** A stand-in for the fix flow's side the front ends call: records which plan cards were posted where. */
export function recordingApprovals() {
  const posted: { planId: string; card: { platform: string; conversationId: string; messageId: string } }[] = [];
  return {
    posted,
    decide: () => ({ done: Promise.resolve() }) as never,
    cardPosted: (planId: string, card: { platform: 'slack' | 'teams'; conversationId: string; messageId: string }) => {
      posted.push({ planId, card });
    },
    setPublisher: () => {},
    card: () => undefined,
  };
}

/** An alert's root message as the alert book would word it, in a given state. */
export function alertRoot(state: string, options: { alertId?: string; actions?: AlertAction[]; tone?: Message['tone'] } = {}): Message {
  const alertId = options.alertId ?? ALERT_ID;
  return {
    summary: `contoso: the catch-all rule is disabled — ${state}`,
    tone: options.tone ?? 'bad',
    blocks: [
      { type: 'text', text: 'Mail to unknown addresses at contoso.test now bounces and never reaches the ERP.' },
      { type: 'fields', fields: [{ label: 'What changed', value: '`State` Enabled → Disabled' }] },
      ...(options.actions?.length === 0
        ? []
        : [
            {
              type: 'alert-actions' as const,
              alertId,
              actions: options.actions ?? (['acknowledge', 'snooze', 'fix', 'run'] as AlertAction[]),
            },
          ]),
    ],
  };
}

export interface RecordedClick {
  button: AlertButton;
  actor: AlertActor;
  place: { platform: 'slack' | 'teams'; conversationId: string };
}

/**
 * A stand-in for the alert book (until the real one is merged): records each click and answers as
 * the book would — the root as it now stands, a reply for Fix and Run, a refusal for an unknown alert.
 */
export class FakeAlertBook implements AlertActions, AlertPosterRegistry {
  readonly posters = new Map<'slack' | 'teams', AlertPoster>();
  readonly clicks: RecordedClick[] = [];

  setPoster(platform: 'slack' | 'teams', poster: AlertPoster): void {
    this.posters.set(platform, poster);
  }

  poster(platform: 'slack' | 'teams'): AlertPoster {
    const poster = this.posters.get(platform);
    if (!poster) throw new Error(`no ${platform} poster registered`);
    return poster;
  }

  async click(button: AlertButton, actor: AlertActor, place: RecordedClick['place']): Promise<AlertClickOutcome> {
    this.clicks.push({ button, actor, place });
    const done = Promise.resolve();
    if (button.alertId !== ALERT_ID) return { refusal: `There is no open alert ${button.alertId}.`, done };
    const who = actor.displayName ?? actor.userId;
    switch (button.action) {
      case 'acknowledge':
        return { root: alertRoot(`acknowledged by ${who}: "${button.reason}"`, { actions: ['fix', 'run'], tone: 'warn' }), done };
      case 'snooze':
        return { root: alertRoot(`snoozed for ${button.durationMs / 3_600_000} h by ${who}: "${button.reason}"`, { tone: 'warn' }), done };
      case 'fix':
        return {
          reply: {
            summary: `Fix exchange-catchall-rule on contoso: asked by ${who}`,
            tone: 'info',
            blocks: [{ type: 'plan-actions', planId: FIX_PLAN_ID, actions: ['approve', 'reject'] }],
          },
          done,
        };
      case 'run':
        return {
          root: alertRoot('firing since 10:05 UTC (checked again just now)'),
          reply: { summary: 'Checked again: exchange-catchall-rule still fails', tone: 'bad', blocks: [] },
          done,
        };
    }
  }
}
