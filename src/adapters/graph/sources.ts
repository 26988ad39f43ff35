import { defineSource } from '../../engine/source.js';

/** Graph reads shared by the checks: each fetched at most once per run. */

/** The catch-all user (by UPN = the catch-all address); null when Entra has no such user. */
export const graphCatchallUser = defineSource({
  key: 'graph.catchall-user',
  label: 'the catch-all user in Microsoft Graph',
  fetch: (ctx) => ctx.adapters.graph.getUser(ctx.tenant.catchallMailbox, ctx.signal),
});

/** The catch-all user's licences and service plans; null when the user does not exist. */
export const graphCatchallLicenses = defineSource({
  key: 'graph.catchall-license-details',
  label: "the catch-all user's licences in Microsoft Graph",
  fetch: async (ctx) => {
    const user = await ctx.get(graphCatchallUser);
    return user ? ctx.adapters.graph.listLicenseDetails(user.id, ctx.signal) : null;
  },
});

export const graphSubscribedSkus = defineSource({
  key: 'graph.subscribed-skus',
  label: "the tenant's subscriptions in Microsoft Graph",
  fetch: (ctx) => ctx.adapters.graph.listSubscribedSkus(ctx.signal),
});

export const graphDomains = defineSource({
  key: 'graph.domains',
  label: "the tenant's domains in Microsoft Graph",
  fetch: (ctx) => ctx.adapters.graph.listDomains(ctx.signal),
});

/** Every user with its licences and creation date (for the dynamic group's membership). */
export const graphUsers = defineSource({
  key: 'graph.users',
  label: 'the users in Microsoft Graph',
  fetch: (ctx) => ctx.adapters.graph.listUsers(ctx.signal),
});
