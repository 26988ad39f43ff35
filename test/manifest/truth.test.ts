import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { homeView, MESSAGES_TAB_ENABLED } from '../../src/chat/slack/home.js';
import { COMMANDS } from '../../src/commands/dispatch.js';
import { PLANNED_VERBS } from '../../src/commands/help.js';
import { slackText } from '../chat/helpers.js';

/** What the manifests and the README promise is what this version does. */
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const slackRaw = read('manifest/slack/manifest.yaml');
const slack = parseYaml(slackRaw) as {
  display_information: { description: string; long_description: string };
  features: { app_home: { messages_tab_enabled: boolean } };
};
const teams = JSON.parse(read('manifest/teams/manifest.json')) as {
  description: { short: string; full: string };
  developer: { privacyUrl: string; termsOfUseUrl: string };
};
const readme = read('README.md');

/** Words that name what is not built yet (fixes, watching, alerts, approvals). */
const NOT_BUILT = /\b(fixes|watch(es|ing)?|alerts?|approv\w*)\b/i;

/** GitHub's anchor for a README heading: lower case, punctuation dropped, spaces as dashes. */
const anchors = new Set(
  [...readme.matchAll(/^#+\s+(.+)$/gm)].map((m) =>
    (m[1] as string)
      .toLowerCase()
      .replace(/[^\w\s-]/g, '')
      .replace(/\s/g, '-'),
  ),
);

describe('the manifests and the README tell the truth', () => {
  it('describe only what exists: no fixes, watching or alerts', () => {
    for (const text of [
      slack.display_information.description,
      slack.display_information.long_description,
      teams.description.short,
      teams.description.full,
    ]) {
      expect(text).not.toMatch(NOT_BUILT);
    }
    for (const verb of Object.keys(PLANNED_VERBS)) expect(COMMANDS.map((c) => c.verb)).not.toContain(verb);
  });

  it('link to no missing file or README section', () => {
    const files = [...slackRaw.matchAll(/\b((?:[\w-]+\/)+[\w.-]+\.(?:md|ts|yaml|json))\b/g)].map((m) => m[1] as string);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(existsSync(new URL(file, root)), file).toBe(true);
    for (const url of [teams.developer.privacyUrl, teams.developer.termsOfUseUrl]) {
      const anchor = new URL(url).hash.slice(1);
      expect(anchors, url).toContain(anchor);
    }
  });

  it('the Slack Home tab invites people to the Messages tab only when the manifest turns it on', () => {
    expect(MESSAGES_TAB_ENABLED).toBe(slack.features.app_home.messages_tab_enabled);
    const text = slackText(homeView(undefined).blocks);
    expect(text).toContain('No status yet. Run `/mailsetup status` in a channel');
    expect(/Messages/.test(text)).toBe(slack.features.app_home.messages_tab_enabled);
    expect(slackText(homeView(undefined, '/mailsetup', { messagesTab: true }).blocks)).toContain('or in the Messages tab');
  });

  it('the README names the roles to read with (Global Reader or View-Only Configuration) and those fixes will need', () => {
    const roles = readme.slice(readme.indexOf('Give the app a role'), readme.indexOf('### 2.'));
    expect(roles).toContain('**Global Reader**');
    expect(roles).toContain('**View-Only Configuration**');
    expect(roles).toContain('**View-Only Recipients**');
    expect(roles).toMatch(/Fixes are not in this version; when they come, they will need \*\*Exchange\s+Administrator\*\*/);
  });
});
