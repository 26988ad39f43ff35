import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';
import { ipProblem } from './ip.js';
import { resolveSecret, type Secret } from './secret.js';

/**
 * The configuration, validated with zod. Every outside address lives here so that the lab and the
 * real world differ only by config (DESIGN §7). Secrets are `env:NAME`, `file:PATH` or inline, and
 * become `Secret` objects that never print themselves.
 */

export interface SchemaContext {
  baseDir: string;
  env: NodeJS.ProcessEnv;
}

function secretField(ctx: SchemaContext) {
  return z
    .string()
    .min(1)
    .transform((value, issueCtx): Secret => {
      try {
        return resolveSecret(value, ctx.baseDir, ctx.env);
      } catch (error) {
        issueCtx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });
}

/** An IP address (or, with `cidr`, a range), refused with the reason when it is not one. */
function ipField(options: { cidr?: boolean } = {}) {
  return z.string().superRefine((value, issueCtx) => {
    const problem = ipProblem(value.trim(), options);
    if (problem) issueCtx.addIssue({ code: 'custom', message: problem });
  });
}

/** A DNS server: an IP, optionally with a port (`127.0.0.1:5353`, `[::1]:5353`). */
const dnsServer = z.string().superRefine((value, issueCtx) => {
  const match = /^\[(.+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  const problem = ipProblem(match ? (match[1] as string) : value);
  if (problem) issueCtx.addIssue({ code: 'custom', message: problem });
  else if (match && (Number(match[2]) < 1 || Number(match[2]) > 65535)) {
    issueCtx.addIssue({ code: 'custom', message: `${value}: the port must be from 1 to 65535` });
  }
});

const hostPort = z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) });

export function buildConfigSchema(ctx: SchemaContext) {
  const secret = secretField(ctx);

  const microsoft = z
    .strictObject({
      clientId: z.string().min(1),
      /** A client secret, or use `certificate` (recommended). */
      clientSecret: secret.optional(),
      certificate: z
        .strictObject({
          /** PEM private key (a secret reference). */
          privateKey: secret,
          /** SHA-1 (or SHA-256) thumbprint of the certificate uploaded to the app registration, hex. */
          thumbprint: z.string().regex(/^[0-9a-fA-F:]{40,95}$/, 'must be the certificate thumbprint in hex'),
          /** PEM certificate (public), for the x5c header. */
          certificatePath: z.string().optional(),
        })
        .optional(),
    })
    .refine((m) => m.clientSecret !== undefined || m.certificate !== undefined, {
      message: 'needs clientSecret or certificate',
    });

  const erp = z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }),
      database: z.string().min(1),
      login: z.string().min(1),
      password: secret.optional(),
      /** API key (Odoo 14+; required for JSON-2 on 19+). */
      apiKey: secret.optional(),
      /** The sales team whose alias receives leads. */
      salesTeam: z.string().min(1).default('Sales'),
      salesAlias: z.string().min(1).default('sales'),
      /** The ERP's public URL, expected in `web.base.url`. */
      publicUrl: z.url({ protocol: /^https?$/ }),
      /** How often the ERP fetches mail (its cron), minutes. */
      fetchIntervalMinutes: z.number().int().min(1).default(5),
    })
    .refine((e) => e.password !== undefined || e.apiKey !== undefined, { message: 'needs password or apiKey' });

  const tenant = z.strictObject({
    /** Short name used in chat (`status contoso`). */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and dashes'),
    domain: z.string().regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/i, 'must be a domain name'),
    tenantId: z.string().min(1),
    catchallMailbox: z.email(),
    dynamicGroup: z.string().min(1).default('DynamicAllUsers'),
    transportRule: z.string().min(1).default('Catchall for Twenty20'),
    /** Name of the inbound connector; when absent, any enabled OnPremises connector counts. */
    connector: z.string().min(1).optional(),
    /** The ERP's public egress IPs (IPv4/IPv6, CIDR allowed). */
    erpEgressIps: z.array(ipField({ cidr: true })).min(1),
    microsoft: microsoft.optional(),
    erp,
    /** How the bot itself logs into the catch-all mailbox over IMAP. */
    imap: z
      .discriminatedUnion('auth', [
        z.strictObject({ auth: z.literal('oauth') }),
        z.strictObject({ auth: z.literal('password'), user: z.string().min(1), password: secret }),
      ])
      .default({ auth: 'oauth' }),
    /** test-email: the outside sender and the probe mailbox the bot can read. */
    probe: z
      .strictObject({
        outsideSender: z.email(),
        mailbox: z.email().optional(),
        imap: hostPort.extend({ user: z.string().min(1), password: secret, secure: z.boolean().default(true) }).optional(),
        /** How long test-email waits for a mail to show up in a mailbox (default 120 s; the lab needs far less). */
        deliveryTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
      })
      .optional(),
    /** Where this tenant's alerts go (instead of `alerts.default`). */
    alerts: alertChannelsSchema.optional(),
  });

  const services = z
    .strictObject({
      /** Microsoft identity platform host (token authority). */
      authorityHost: z.url({ protocol: /^https$/ }).default('https://login.microsoftonline.com'),
      graphUrl: z.url({ protocol: /^https$/ }).default('https://graph.microsoft.com/v1.0'),
      /** Exchange admin API host (InvokeCommand) — also the IMAP token audience. */
      exchangeAdminUrl: z.url({ protocol: /^https$/ }).default('https://outlook.office365.com'),
      imap: hostPort.default({ host: 'outlook.office365.com', port: 993 }),
      /** SMTP to the tenant's MX; host defaults to the domain's MX record. */
      mx: z.strictObject({ host: z.string().min(1).optional(), port: z.number().int().default(25) }).default({ port: 25 }),
      /** DNS servers (`1.1.1.1`, `127.0.0.1:5353`); the system resolver when empty. */
      dnsServers: z.array(dnsServer).default([]),
      slackApiUrl: z.url().default('https://slack.com/api/'),
      /** A PEM CA bundle to trust in addition to the system's (the lab's CA; a corporate TLS proxy). */
      caFile: z.string().optional(),
      /** Local address the bot binds for its own SMTP probes (the lab maps it to an egress IP). */
      sourceAddress: ipField().optional(),
    })
    .default({
      authorityHost: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com/v1.0',
      exchangeAdminUrl: 'https://outlook.office365.com',
      imap: { host: 'outlook.office365.com', port: 993 },
      mx: { port: 25 },
      dnsServers: [],
      slackApiUrl: 'https://slack.com/api/',
    });

  const slack = z.strictObject({
    botToken: secret,
    signingSecret: secret.optional(),
    appToken: secret.optional(),
    /** Socket Mode (outbound only, the default) or HTTP (`/slack/events`). */
    mode: z.enum(['socket', 'http']).default('socket'),
    /** HTTP mode: a port of its own; without it `/slack/events` is served on the HTTP listener (`http.port`). */
    port: z.number().int().min(0).max(65535).optional(),
  });

  const teams = z.strictObject({
    appId: z.string().min(1),
    appPassword: secret.optional(),
    appType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
    tenantId: z.string().optional(),
    /** A port of its own; without it `/api/messages` is served on the HTTP listener (`http.port`). */
    port: z.number().int().min(0).max(65535).optional(),
  });

  const root = z.strictObject({
    tenants: z.array(tenant).min(1).superRefine(refuseDuplicateTenants),
    approvals: approvalsSchema,
    access: accessSchema.optional(),
    watch: watchSchema,
    alerts: alertsSchema,
    services,
    slack: slack.optional(),
    teams: teams.optional(),
    store: z.strictObject({ path: z.string().min(1).default('mailsetup.db') }).default({ path: 'mailsetup.db' }),
    timeouts: z
      .strictObject({
        /** Per outside fetch, ms. */
        fetchMs: z.number().int().min(100).default(10_000),
        /** A whole run, ms. */
        runMs: z.number().int().min(1000).default(60_000),
      })
      .default({ fetchMs: 10_000, runMs: 60_000 }),
    /** The one HTTP listener: /healthz, /readyz, /metrics, and the chat endpoints without a port of their own. */
    http: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
      })
      .default({ host: '127.0.0.1', port: 8080 }),
    shutdown: z
      .strictObject({
        /** After SIGTERM, how long a running command may take to finish before it is stopped. */
        graceSeconds: z.number().min(0).max(600).default(20),
      })
      .default({ graceSeconds: 20 }),
    log: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') }).default({ level: 'info' }),
  });
  return root.superRefine(refuseUnknownAccessTenants);
}

/** A channel or person bound to a tenant the config does not have would silently see nothing. */
function refuseUnknownAccessTenants(
  config: { tenants: { name: string }[]; access?: { channels: { tenants: string[] }[]; users: { tenants: string[] }[] } },
  issueCtx: z.core.$RefinementCtx,
): void {
  const names = new Set(config.tenants.map((t) => t.name));
  for (const list of ['channels', 'users'] as const) {
    config.access?.[list].forEach((entry, index) => {
      entry.tenants.forEach((name, j) => {
        if (!names.has(name)) {
          issueCtx.addIssue({
            code: 'custom',
            path: ['access', list, index, 'tenants', j],
            message: `${name} is not a tenant in this config (tenants: ${[...names].join(', ')})`,
          });
        }
      });
    });
  }
}

/** A duration string (`30s`, `5m`, `1h`, `2d`) as milliseconds, between `min` and `max`. */
function durationField(min: number, max: number) {
  return z.union([z.string(), z.number()]).transform((value, issueCtx): number => {
    const ms = typeof value === 'number' ? undefined : parseDuration(value);
    if (ms === undefined) {
      issueCtx.addIssue({
        code: 'custom',
        message: `${String(value).slice(0, 40)} is not a duration: write a number and a unit (s, m, h, d)`,
      });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      issueCtx.addIssue({ code: 'custom', message: `${value} is out of range: from ${formatDuration(min)} to ${formatDuration(max)}` });
      return z.NEVER;
    }
    return ms;
  });
}

const HOUR_MS = 3_600_000;
/** A run's deadline when none is set: 2 min, or less when the interval is shorter (it must end before the next run). */
const DEFAULT_DEADLINE_MS = 2 * 60_000;

/**
 * `watch`: the scheduled runs (issue 11). Durations become milliseconds. Present in the config, the
 * watch runs with `mailsetup start` unless `enabled: false`; absent, it is off (the lab turns it on).
 */
const watchSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** The watched checks, per tenant. */
    every: durationField(1000, 24 * HOUR_MS).default(5 * 60_000),
    /** The end-to-end test (it sends real mail), per tenant; `off` never sends. */
    e2eEvery: z.union([z.literal('off').transform(() => null), durationField(60_000, 7 * 24 * HOUR_MS)]).default(HOUR_MS),
    /** Tenants run at the same time, at most. */
    concurrency: z.number().int().min(1).max(256).default(16),
    /** A run still going after this is aborted and recorded as an error; shorter than `every`. */
    deadline: durationField(1000, HOUR_MS).optional(),
  })
  .transform((watch, issueCtx) => {
    if (watch.deadline !== undefined && watch.deadline >= watch.every) {
      issueCtx.addIssue({
        code: 'custom',
        path: ['deadline'],
        message: `${formatDuration(watch.deadline)} is not shorter than watch.every (${formatDuration(watch.every)}): a run must end before the next one`,
      });
      return z.NEVER;
    }
    return { ...watch, deadline: watch.deadline ?? Math.min(DEFAULT_DEADLINE_MS, Math.floor(watch.every * 0.8)) };
  })
  .default({ enabled: false, every: 5 * 60_000, e2eEvery: HOUR_MS, concurrency: 16, deadline: DEFAULT_DEADLINE_MS });

/** A chat person or group as the policy names them: `slack:U…` / `slack:S…` or `slack:@handle` (user group), `teams:<Entra object id>`. */
const chatPrincipal = z
  .string()
  .regex(
    /^(slack:[A-Z0-9]{2,}|slack:@[a-z0-9][a-z0-9._-]{0,79}|teams:[0-9a-fA-F-]{36})$/,
    'must be slack:<user or user-group id> or teams:<Entra object id>',
  );

/** Slack channel ids and Teams conversation ids an alert is posted to. */
const alertChannelsSchema = z.strictObject({
  slack: z.array(z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id (C… or G…, not the #name)')).default([]),
  teams: z.array(z.string().min(1)).default([]),
});

/** `alerts`: when an alert opens and resolves, and where alerts go by default. */
const alertsSchema = z
  .strictObject({
    /** Consecutive failing runs before an alert fires (the first makes it pending). */
    failuresToOpen: z.number().int().min(1).max(20).default(2),
    /** Consecutive passing runs before a firing alert resolves. */
    passesToResolve: z.number().int().min(1).max(20).default(1),
    /** Channels for every tenant without `tenants[].alerts`. */
    default: alertChannelsSchema.optional(),
    /** Who may acknowledge or snooze an alert in chat; absent means anyone who may run commands about its tenant. */
    responders: z.array(chatPrincipal).optional(),
  })
  .default({ failuresToOpen: 2, passesToResolve: 1 });

/** `approvals`: who may ask for a fix, who approves it, how many distinct approvers, how long a plan stays open. */
const approvalsSchema = z
  .strictObject({
    approvers: z.array(chatPrincipal).default([]),
    required: z.number().int().min(1).max(10).default(1),
    expiresMinutes: z.number().int().min(1).max(1440).default(30),
    /** Who may ask for a fix; absent means anyone who may run commands. */
    requesters: z.array(chatPrincipal).optional(),
  })
  .default({ approvers: [], required: 1, expiresMinutes: 30 });

/** `access`: which chat channels (and which people in DMs) see which tenants. */
const accessSchema = z.strictObject({
  /** Slack channel ids (`C…`), Teams team or conversation ids, each bound to tenant names. */
  channels: z.array(z.strictObject({ id: z.string().min(1), tenants: z.array(z.string().min(1)).min(1) })).default([]),
  /** People allowed in personal chats and DMs, with the tenants they may see. */
  users: z.array(z.strictObject({ id: chatPrincipal, tenants: z.array(z.string().min(1)).min(1) })).default([]),
});

/** Two tenants with one name (or one domain) would make `status <tenant>` ambiguous. */
function refuseDuplicateTenants(tenants: { name: string; domain: string }[], issueCtx: z.core.$RefinementCtx): void {
  for (const key of ['name', 'domain'] as const) {
    const first = new Map<string, number>();
    tenants.forEach((tenant, index) => {
      const value = tenant[key].toLowerCase();
      const earlier = first.get(value);
      if (earlier === undefined) first.set(value, index);
      else {
        issueCtx.addIssue({
          code: 'custom',
          path: [index, key],
          message: `${tenant[key]} is already the ${key} of tenants[${earlier}]; each tenant needs its own ${key}`,
        });
      }
    });
  }
}

export type MailsetupConfig = z.output<ReturnType<typeof buildConfigSchema>>;
export type TenantConfig = MailsetupConfig['tenants'][number];
export type ServicesConfig = MailsetupConfig['services'];
export type SlackConfig = NonNullable<MailsetupConfig['slack']>;
export type TeamsConfig = NonNullable<MailsetupConfig['teams']>;
export type ApprovalsConfig = MailsetupConfig['approvals'];
export type WatchConfig = MailsetupConfig['watch'];
export type AlertsConfig = MailsetupConfig['alerts'];
export type AlertChannelsConfig = NonNullable<MailsetupConfig['alerts']['default']>;

/** Example values, shown next to a config error (`key: problem — e.g. value`). Keys use `[]` for any index. */
export const CONFIG_EXAMPLES: Record<string, string> = {
  tenants: '[{ name: contoso, domain: contoso.com, ... }] (see mailsetup.example.yaml)',
  'tenants[].name': 'contoso',
  'tenants[].domain': 'contoso.com',
  'tenants[].tenantId': '00000000-0000-0000-0000-000000000000',
  'tenants[].catchallMailbox': 'erp@contoso.com',
  'tenants[].erpEgressIps': '[203.0.113.10]',
  'tenants[].erpEgressIps[]': '203.0.113.10 or 203.0.113.0/28',
  'tenants[].microsoft': '{ clientId: ..., certificate: { privateKey: file:mailsetup.key, thumbprint: ... } }',
  'tenants[].microsoft.clientId': '11111111-2222-3333-4444-555555555555',
  'tenants[].microsoft.clientSecret': 'env:MAILSETUP_CLIENT_SECRET',
  'tenants[].microsoft.certificate.privateKey': 'file:/etc/mailsetup/app.key',
  'tenants[].microsoft.certificate.thumbprint': '3A1F0C...(40 hex digits)',
  'tenants[].erp':
    '{ url: https://erp.contoso.com, database: prod, login: mailsetup, apiKey: env:ERP_API_KEY, publicUrl: https://erp.contoso.com }',
  'tenants[].erp.url': 'https://erp.contoso.com',
  'tenants[].erp.database': 'prod',
  'tenants[].erp.login': 'mailsetup-bot',
  'tenants[].erp.password': 'env:ERP_PASSWORD',
  'tenants[].erp.apiKey': 'env:ERP_API_KEY',
  'tenants[].erp.publicUrl': 'https://erp.contoso.com',
  'tenants[].erp.fetchIntervalMinutes': '5',
  'tenants[].imap': '{ auth: oauth }',
  'tenants[].imap.auth': 'oauth',
  'tenants[].probe.outsideSender': 'probe@outside.example',
  'services.authorityHost': 'https://login.microsoftonline.com',
  'services.graphUrl': 'https://graph.microsoft.com/v1.0',
  'services.exchangeAdminUrl': 'https://outlook.office365.com',
  'services.dnsServers[]': '1.1.1.1',
  'services.slackApiUrl': 'https://slack.com/api/',
  'slack.botToken': 'env:SLACK_BOT_TOKEN',
  'slack.signingSecret': 'env:SLACK_SIGNING_SECRET',
  'slack.appToken': 'env:SLACK_APP_TOKEN',
  'slack.mode': 'socket',
  'teams.appId': '11111111-2222-3333-4444-555555555555',
  'teams.appPassword': 'env:MicrosoftAppPassword',
  'timeouts.fetchMs': '10000',
  'http.host': '127.0.0.1 (0.0.0.0 in a container)',
  'http.port': '8080',
  'shutdown.graceSeconds': '20',
  'slack.port': '3000 (omit to share http.port)',
  'teams.port': '3978 (omit to share http.port)',
  approvals: '{ approvers: [slack:U0123ABCD, teams:4b7f2b8e-1c1d-4e57-9a3e-0d6f7c5a1e22], required: 1, expiresMinutes: 30 }',
  'approvals.approvers[]': 'slack:U0123ABCD (a user), slack:S0123ABCD (a user group) or teams:<Entra object id>',
  'approvals.required': '1',
  'approvals.expiresMinutes': '30',
  'approvals.requesters[]': 'slack:U0123ABCD',
  access: '{ channels: [{ id: C0123ABCD, tenants: [contoso] }], users: [{ id: slack:U0123ABCD, tenants: [contoso] }] }',
  'access.channels[].id': 'C0123ABCD (Slack channel) or 19:…@thread.tacv2 (Teams team or channel)',
  'access.channels[].tenants': '[contoso]',
  'access.users[].id': 'slack:U0123ABCD',
  'access.users[].tenants': '[contoso]',
  'watch.every': '5m (30s, 5m, 1h)',
  'watch.e2eEvery': '1h (or off)',
  'watch.concurrency': '16',
  'watch.deadline': '2m',
  'alerts.failuresToOpen': '2',
  'alerts.passesToResolve': '1',
  'alerts.default': '{ slack: [C0123ABCD], teams: ["19:abc…@thread.tacv2"] }',
  'alerts.default.slack[]': 'C0123ABCD (the channel id, not #name)',
  'tenants[].alerts.slack[]': 'C0123ABCD (the channel id, not #name)',
};
