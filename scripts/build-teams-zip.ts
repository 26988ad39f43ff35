/**
 * Builds the Teams app package (the zip you upload in Teams → Apps → Manage your apps → Upload):
 * `manifest.json` with the bot's app id filled in, `color.png` (192×192) and `outline.png` (32×32,
 * white on transparent).
 *
 *   npm run teams:zip -- [--app-id <guid>] [--domain bot.example.com] [--config mailsetup.yaml]
 *                        [--version 1.2.3] [--out build/mailsetup-teams.zip] [--icons]
 *
 * The app id comes from --app-id, else the MicrosoftAppId environment variable, else `teams.appId`
 * in the config file. --domain (or MAILSETUP_BOT_DOMAIN) adds the bot's public host to
 * validDomains. --icons redraws the two icons into manifest/teams/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import AdmZip from 'adm-zip';
import { parse as parseYaml } from 'yaml';

export const TEAMS_MANIFEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../manifest/teams');
const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface PackageOptions {
  /** The Azure Bot's Microsoft App ID (also used as the Teams app id). */
  appId: string;
  /** The bot's public host name, added to validDomains. */
  domain?: string;
  /** The package version (semver); the manifest's own when absent. */
  version?: string;
  manifestDir?: string;
}

export interface TeamsPackage {
  zip: Buffer;
  manifest: Record<string, unknown>;
}

/** The upload zip, in memory. Throws an Error with a sentence when an input is wrong. */
export function buildTeamsPackage(options: PackageOptions): TeamsPackage {
  const dir = options.manifestDir ?? TEAMS_MANIFEST_DIR;
  if (!GUID.test(options.appId) || options.appId === PLACEHOLDER_ID) {
    throw new Error(
      `"${options.appId}" is not an app id: give the Azure Bot's Microsoft App ID, a GUID like 11111111-2222-3333-4444-555555555555.`,
    );
  }
  if (options.domain !== undefined && !/^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/i.test(options.domain)) {
    throw new Error(
      `"${options.domain}" is not a host name: give the bot's public host, e.g. mailsetup.contoso.com (no https://, no path).`,
    );
  }
  if (options.version !== undefined && !/^\d+\.\d+\.\d+$/.test(options.version)) {
    throw new Error(`"${options.version}" is not a version: use major.minor.patch, e.g. 1.0.1 (Teams needs a higher one for each update).`);
  }
  const manifest = JSON.parse(readFileSync(resolve(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  manifest.id = options.appId;
  for (const bot of (manifest.bots as Record<string, unknown>[] | undefined) ?? []) bot.botId = options.appId;
  if (options.version) manifest.version = options.version;
  if (options.domain) {
    const domains = new Set([...((manifest.validDomains as string[] | undefined) ?? []), options.domain]);
    manifest.validDomains = [...domains];
  }
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
  for (const name of ['color.png', 'outline.png']) zip.addFile(name, readFileSync(resolve(dir, name)));
  return { zip: zip.toBuffer(), manifest };
}

// ---- PNG -------------------------------------------------------------------------------------

/** Encodes RGBA pixels (row-major, 4 bytes each) as a PNG: colour type 6, 8 bits, no filtering. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError('rgba must hold width × height × 4 bytes');
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

type Rgba = [number, number, number, number];
type Segment = [number, number, number, number];

/** Draws thick line segments (an envelope, a check mark) onto a canvas. */
function draw(size: number, background: Rgba, strokes: { segments: Segment[]; width: number; color: Rgba }[]): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let color = background;
      for (const stroke of strokes) {
        if (stroke.segments.some((s) => distance(x + 0.5, y + 0.5, s) <= stroke.width / 2)) color = stroke.color;
      }
      pixels.set(color, (y * size + x) * 4);
    }
  }
  return pixels;
}

function distance(px: number, py: number, [x1, y1, x2, y2]: Segment): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

function envelope(left: number, top: number, right: number, bottom: number): Segment[] {
  const middle = (left + right) / 2;
  return [
    [left, top, right, top],
    [right, top, right, bottom],
    [right, bottom, left, bottom],
    [left, bottom, left, top],
    [left, top, middle, top + (bottom - top) * 0.6],
    [middle, top + (bottom - top) * 0.6, right, top],
  ];
}

/** The two Teams icons: full-colour 192×192, and a 32×32 white outline on transparent. */
export function drawIcons(): { color: Buffer; outline: Buffer } {
  const white: Rgba = [255, 255, 255, 255];
  const color = draw(
    192,
    [0x2c, 0x3e, 0x8f, 255],
    [
      { segments: envelope(34, 54, 150, 134), width: 9, color: white },
      {
        segments: [
          [118, 150, 136, 168],
          [136, 168, 170, 128],
        ],
        width: 12,
        color: [0x3f, 0xb9, 0x50, 255],
      },
    ],
  );
  const outline = draw(32, [0, 0, 0, 0], [{ segments: envelope(4.5, 8.5, 27.5, 23.5), width: 2, color: white }]);
  return { color: encodePng(192, 192, color), outline: encodePng(32, 32, outline) };
}

// ---- command line ----------------------------------------------------------------------------

function argument(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function appIdFromConfig(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const raw = parseYaml(readFileSync(path, 'utf8')) as { teams?: { appId?: unknown } } | null;
  return typeof raw?.teams?.appId === 'string' ? raw.teams.appId : undefined;
}

function main(args: string[]): void {
  if (args.includes('--icons')) {
    const icons = drawIcons();
    writeFileSync(resolve(TEAMS_MANIFEST_DIR, 'color.png'), icons.color);
    writeFileSync(resolve(TEAMS_MANIFEST_DIR, 'outline.png'), icons.outline);
    console.log(`Drew color.png and outline.png in ${TEAMS_MANIFEST_DIR}`);
    if (!args.includes('--app-id') && !process.env.MicrosoftAppId) return;
  }
  const configPath = resolve(argument(args, 'config') ?? process.env.MAILSETUP_CONFIG ?? 'mailsetup.yaml');
  const appId = argument(args, 'app-id') ?? process.env.MicrosoftAppId ?? appIdFromConfig(configPath);
  if (!appId) {
    throw new Error(
      "No app id: give --app-id <guid>, set MicrosoftAppId, or set teams.appId in the config (the Azure Bot's Microsoft App ID).",
    );
  }
  const out = resolve(argument(args, 'out') ?? 'build/mailsetup-teams.zip');
  const { zip, manifest } = buildTeamsPackage({
    appId,
    domain: argument(args, 'domain') ?? process.env.MAILSETUP_BOT_DOMAIN,
    version: argument(args, 'version'),
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  console.log(
    `Wrote ${out} (app id ${appId}, version ${String(manifest.version)}). Upload it in Teams → Apps → Manage your apps → Upload an app.`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
