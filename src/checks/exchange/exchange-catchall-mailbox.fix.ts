import { exchangeCatchallCasMailbox, exchangeCatchallMailbox } from '../../adapters/exchange/sources.js';
import { graphCatchallLicenses, graphCatchallUser } from '../../adapters/graph/sources.js';
import { isExchangePlan } from '../../adapters/graph/types.js';
import { basisOf, definePlanner, exchangeCall, refuse } from '../../engine/fix.js';

/** Turns IMAP on for the catch-all mailbox. Accounts and licences are Microsoft 365 admin work the bot does not do. */
export const exchangeCatchallMailboxPlanner = definePlanner({
  checkId: 'exchange-catchall-mailbox',
  sources: [graphCatchallUser, graphCatchallLicenses, exchangeCatchallMailbox, exchangeCatchallCasMailbox],
  plan(snapshot, ctx) {
    const address = ctx.tenant.catchallMailbox;
    const user = snapshot.get(graphCatchallUser);
    if (!user)
      return refuse(
        `There is no user ${address}; creating a user and licensing it is not something the bot does (see explain for the steps).`,
      );
    if (!user.accountEnabled)
      return refuse(
        `User ${address} is blocked from signing in; unblocking an account is left to an administrator (Microsoft 365 admin center → Users).`,
      );
    const licences = snapshot.get(graphCatchallLicenses) ?? [];
    const plans = licences.flatMap((l) => l.servicePlans.filter((p) => isExchangePlan(p.servicePlanName)));
    if (!plans.some((p) => p.provisioningStatus === 'Success')) {
      return refuse(
        plans.length === 0
          ? `${address} has no licence with Exchange Online, and assigning a licence (which costs money) is not something the bot does: assign one in the Microsoft 365 admin center.`
          : `The Exchange plan of ${address} is not provisioned (${plans[0]?.provisioningStatus}); that is fixed in its licence, not by the bot.`,
      );
    }
    const mailbox = snapshot.get(exchangeCatchallMailbox);
    const cas = snapshot.get(exchangeCatchallCasMailbox);
    if (!mailbox || !cas)
      return refuse(`Exchange Online has no mailbox ${address} yet; a new licence can take a few minutes to create it.`);
    if (cas.ImapEnabled) return refuse(`Mailbox ${address} already has IMAP on; nothing to change.`);
    return {
      target: `Mailbox ${mailbox.PrimarySmtpAddress}`,
      changes: [{ setting: 'ImapEnabled', before: false, after: true }],
      calls: [exchangeCall('Set-CASMailbox', { Identity: mailbox.ExternalDirectoryObjectId ?? mailbox.Identity, ImapEnabled: true })],
      basis: basisOf({ mailbox: mailbox.Identity, ImapEnabled: cas.ImapEnabled }),
    };
  },
});
