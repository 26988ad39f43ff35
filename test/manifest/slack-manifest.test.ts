import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { COMMANDS } from '../../src/commands/dispatch.js';

const raw = readFileSync(new URL('../../manifest/slack/manifest.yaml', import.meta.url), 'utf8');
const manifest = parseYaml(raw) as unknown;

/** The shape of a Slack app manifest (docs.slack.dev/reference/app-manifest), for the keys we rely on. */
const slackManifest = z.object({
  _metadata: z.object({ major_version: z.literal(1), minor_version: z.number().int() }),
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().max(140),
    background_color: z.string().regex(/^#[0-9a-f]{6}$/i),
    long_description: z.string().min(175).max(4000),
  }),
  features: z.object({
    app_home: z.object({
      home_tab_enabled: z.literal(true),
      messages_tab_enabled: z.boolean(),
      messages_tab_read_only_enabled: z.boolean(),
    }),
    bot_user: z.object({ display_name: z.string().min(1).max(80), always_online: z.boolean() }),
    slash_commands: z
      .array(
        z.object({
          command: z.string().regex(/^\/[a-z0-9_-]+$/),
          description: z.string().min(1).max(2000),
          usage_hint: z.string().max(1000),
          should_escape: z.boolean(),
          url: z.url().optional(),
        }),
      )
      .min(1),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    event_subscriptions: z.object({ bot_events: z.array(z.string()), request_url: z.url().optional() }),
    interactivity: z.object({ is_enabled: z.boolean(), request_url: z.url().optional() }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});

describe('the Slack app manifest', () => {
  it('has the shape Slack accepts', () => {
    const result = slackManifest.safeParse(manifest);
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });

  it('asks for the fewest scopes that work: commands and chat:write', () => {
    const parsed = slackManifest.parse(manifest);
    expect([...parsed.oauth_config.scopes.bot].sort()).toEqual(['chat:write', 'commands']);
    // Each scope is justified next to it.
    expect(raw).toMatch(/- commands: +the \/mailsetup slash command/);
    expect(raw).toMatch(/- chat:write: +post the reply/);
  });

  it('declares /mailsetup with a usage hint naming every verb', () => {
    const parsed = slackManifest.parse(manifest);
    const command = parsed.features.slash_commands.find((c) => c.command === '/mailsetup');
    expect(command).toBeDefined();
    for (const verb of COMMANDS.map((c) => c.verb)) expect(command?.usage_hint).toContain(verb);
  });

  it('runs in Socket Mode with interactivity on, the Home tab, and app_home_opened', () => {
    const parsed = slackManifest.parse(manifest);
    expect(parsed.settings.socket_mode_enabled).toBe(true);
    expect(parsed.settings.interactivity.is_enabled).toBe(true);
    expect(parsed.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(parsed.features.app_home.home_tab_enabled).toBe(true);
    // Socket Mode needs no public URL: none is declared.
    expect(parsed.settings.interactivity.request_url).toBeUndefined();
    expect(parsed.features.slash_commands[0]?.url).toBeUndefined();
  });

  it('rejects a manifest that lacks what the bot needs (the check has teeth)', () => {
    const broken = structuredClone(manifest) as {
      features: { slash_commands: { command?: string }[] };
      settings: { socket_mode_enabled: unknown };
    };
    delete broken.features.slash_commands[0]?.command;
    broken.settings.socket_mode_enabled = 'yes';
    const result = slackManifest.safeParse(broken);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'features.slash_commands.0.command',
      'settings.socket_mode_enabled',
    ]);
  });
});
