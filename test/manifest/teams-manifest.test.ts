import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';
import AdmZip from 'adm-zip';
import { describe, expect, it } from 'vitest';
import { buildTeamsPackage, crc32, drawIcons, TEAMS_MANIFEST_DIR } from '../../scripts/build-teams-zip.js';
import { COMMANDS } from '../../src/commands/dispatch.js';

/** Microsoft's published Teams manifest schemas, as @microsoft/app-manifest ships them (offline). */
const require = createRequire(import.meta.url);
const SCHEMAS = join(dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build/json-schemas/teams');
const schemaFor = (version: string) => JSON.parse(readFileSync(join(SCHEMAS, `v${version}`, 'MicrosoftTeams.schema.json'), 'utf8'));
const committed = JSON.parse(readFileSync(resolve(TEAMS_MANIFEST_DIR, 'manifest.json'), 'utf8')) as TeamsManifestJson;
interface TeamsManifestJson {
  $schema: string;
  manifestVersion: string;
  bots: { scopes: string[]; commandLists: { commands: { title: string; description: string }[] }[] }[];
  [key: string]: unknown;
}
const APP_ID = '5c9e1f7a-2b3d-4e6f-8a1b-9c0d2e4f6a8b';

interface Png {
  width: number;
  height: number;
  colorType: number;
  pixels: Buffer;
}

/** Reads our PNGs (8-bit RGBA, unfiltered rows), checking every chunk's CRC. */
function readPng(data: Buffer): Png {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('ascii', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    expect(data.readUInt32BE(offset + 8 + length)).toBe(crc32(data.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  if (!header) throw new Error('no IHDR');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, colorType: header[9] as number, pixels };
}

describe('the Teams app manifest and package', () => {
  it('is valid against Microsoft’s published schema for its version', async () => {
    expect(committed.manifestVersion).toBe('1.22');
    expect(committed.$schema).toContain('/teams/v1.22/MicrosoftTeams.schema.json');
    expect(await AppManifestUtils.validateAgainstSchema(committed as never, schemaFor('1.22'))).toEqual([]);
    // The validator does reject a broken manifest (a bot without its id, an unknown key).
    const broken = { ...committed, bots: [{ scopes: ['personal'] }], colour: 'blue' };
    const problems = await AppManifestUtils.validateAgainstSchema(broken as never, schemaFor('1.22'));
    expect(problems.join('\n')).toMatch(/must have required property 'botId'/);
    expect(problems.join('\n')).toMatch(/must NOT have additional properties/);
  });

  it('stays valid against the newest schema the package ships (ready to bump manifestVersion)', async () => {
    const newest = readdirSync(SCHEMAS)
      .filter((v) => /^v1\.\d+$/.test(v))
      .map((v) => v.slice(1))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
      .at(-1) as string;
    expect(Number(newest.split('.')[1])).toBeGreaterThan(22);
    for (const version of [newest]) {
      const bumped = { ...committed, manifestVersion: version, $schema: committed.$schema.replace('v1.22', `v${version}`) };
      expect(await AppManifestUtils.validateAgainstSchema(bumped as never, schemaFor(version)), `v${version}`).toEqual([]);
    }
  });

  it('offers the bot in personal chat, teams and group chats, with every verb in its command list', () => {
    const bot = committed.bots[0]!;
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(bot.commandLists.length).toBeLessThanOrEqual(3);
    const titles = bot.commandLists.flatMap((l: { commands: { title: string }[] }) => l.commands.map((c) => c.title));
    expect(titles.sort()).toEqual(COMMANDS.map((c) => c.verb).sort());
    for (const list of bot.commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      // Teams shows at most 32 characters of a title and 128 of a description.
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect(c.description.length).toBeLessThanOrEqual(128);
      }
    }
  });

  it('builds the upload zip with the app id filled in, the domain added, and two real icons', async () => {
    const { zip } = buildTeamsPackage({ appId: APP_ID, domain: 'mailsetup.contoso.com', version: '1.0.1' });
    const entries = new AdmZip(zip).getEntries();
    expect(entries.map((e) => e.entryName).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const read = (name: string) => entries.find((e) => e.entryName === name)?.getData() as Buffer;

    const manifest = JSON.parse(read('manifest.json').toString('utf8'));
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0].botId).toBe(APP_ID);
    expect(manifest.version).toBe('1.0.1');
    expect(manifest.validDomains).toEqual(['mailsetup.contoso.com']);
    expect(await AppManifestUtils.validateAgainstSchema(manifest, schemaFor('1.22'))).toEqual([]);

    const color = readPng(read('color.png'));
    expect([color.width, color.height, color.colorType]).toEqual([192, 192, 6]);
    // Full colour: opaque everywhere, more than two colours.
    const colours = new Set<string>();
    for (let i = 0; i < color.pixels.length; i += 4) {
      expect(color.pixels[i + 3]).toBe(255);
      colours.add(color.pixels.subarray(i, i + 3).toString('hex'));
    }
    expect(colours.size).toBeGreaterThanOrEqual(3);

    const outline = readPng(read('outline.png'));
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    // White on transparent, and both present.
    let white = 0;
    let transparent = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      const [r, g, b, a] = outline.pixels.subarray(i, i + 4);
      if (a === 0) transparent++;
      else {
        expect([r, g, b, a]).toEqual([255, 255, 255, 255]);
        white++;
      }
    }
    expect(white).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan(500);
  });

  it('ships the icons the script draws', () => {
    const drawn = drawIcons();
    expect(readFileSync(resolve(TEAMS_MANIFEST_DIR, 'color.png')).equals(drawn.color)).toBe(true);
    expect(readFileSync(resolve(TEAMS_MANIFEST_DIR, 'outline.png')).equals(drawn.outline)).toBe(true);
  });

  it('refuses an app id, domain or version that would make a broken package, with a sentence', () => {
    expect(() => buildTeamsPackage({ appId: 'mailsetup' })).toThrow(/"mailsetup" is not an app id: give the Azure Bot's Microsoft App ID/);
    expect(() => buildTeamsPackage({ appId: '00000000-0000-0000-0000-000000000000' })).toThrow(/is not an app id/);
    expect(() => buildTeamsPackage({ appId: APP_ID, domain: 'https://bot.contoso.com/api' })).toThrow(/is not a host name/);
    expect(() => buildTeamsPackage({ appId: APP_ID, version: 'v2' })).toThrow(/is not a version/);
  });
});
