import { credentialsHint } from '../../adapters/erp/odoo-errors.js';
import { erpLogin } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import { MENU } from './shared.js';

/** Versions whose API and models the bot knows. */
const KNOWN = { min: 12, max: 19 };

export const erpReachableCheck = defineCheck({
  meta: {
    id: 'erp-reachable',
    title: 'The ERP answers and the bot can log in',
    area: 'erp',
    severity: 'critical',
    dependsOn: [],
    sources: [erpLogin],
    fixable: false,
    watched: true,
  },
  explainFile: new URL('./erp-reachable.md', import.meta.url),
  run(snapshot, ctx) {
    const login = snapshot.get(erpLogin);
    const erp = ctx.tenant.erp;
    const resource = { kind: 'res.users', name: erp.login };
    if (!login.ok) {
      return {
        status: 'fail',
        detail:
          `The ERP (version ${login.version.serverVersion}, ${login.api}) refused the bot's login "${login.login}" on database ` +
          `"${login.database}": the ${login.version.major < 14 ? 'password' : 'password or API key'} in the bot's config does not match the ERP user.`,
        observed: {
          serverVersion: login.version.serverVersion,
          api: login.api,
          login: login.login,
          database: login.database,
          erpAnswer: login.reason,
        },
        expected: { login: 'accepted' },
        resource,
        remediation: {
          manual: credentialsHint(login.login, login.version.major),
          command:
            login.version.major < 14
              ? `${MENU.users} ▸ ${login.login} ▸ Action ▸ Change Password`
              : `${MENU.users} ▸ ${login.login} ▸ Action ▸ Change Password (or Preferences ▸ Account Security ▸ New API Key)`,
        },
      };
    }
    const s = login.session;
    const observed = {
      serverVersion: s.version.serverVersion,
      major: s.version.major,
      api: s.api,
      uid: s.uid,
      login: s.login,
      database: s.database,
      userEmail: s.userEmail,
    };
    const expected = { login: 'accepted', api: s.version.major >= 19 ? 'json-2' : 'json-rpc', versions: `${KNOWN.min}–${KNOWN.max}` };
    if (s.version.major < KNOWN.min || s.version.major > KNOWN.max) {
      return {
        status: 'warn',
        detail: `The ERP answers (version ${s.version.serverVersion}) and the bot is logged in, but the bot knows versions ${KNOWN.min}–${KNOWN.max} only, so some checks may misread it.`,
        observed,
        expected,
        resource,
        remediation: { manual: 'Check the results by hand in the ERP, and update the bot for this version.' },
      };
    }
    if (s.version.major >= 19 && s.api === 'json-rpc') {
      return {
        status: 'warn',
        detail: `The ERP is version ${s.version.serverVersion} and the bot uses JSON-RPC with a password: JSON-RPC is deprecated in 19 and removed in 22; JSON-2 needs an API key.`,
        observed,
        expected,
        resource,
        remediation: {
          manual: `Log into the ERP as ${s.login}, open Preferences ▸ Account Security ▸ New API Key (keys last at most 3 months on 19), and put it in tenants[].erp.apiKey.`,
          command: 'Preferences ▸ Account Security ▸ New API Key',
        },
      };
    }
    return {
      status: 'pass',
      detail: `The ERP answers (version ${s.version.serverVersion}) and the bot is logged in as "${s.login}" (uid ${s.uid}) over ${s.api === 'json-2' ? 'JSON-2' : 'JSON-RPC'}.`,
      observed,
      expected,
      resource: { ...resource, id: String(s.uid) },
    };
  },
});
