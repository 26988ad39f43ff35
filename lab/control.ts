import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from './http-body.js';
import { close, listen, sendBody } from './http-server.js';
import type { Lab } from './index.js';
import { findScenario } from './scenarios/index.js';

/** A control request is a scenario name and a tenant name: a few hundred bytes at most. */
export const CONTROL_MAX_BODY = 4096;

export interface LabControl {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/**
 * The lab's control endpoint, on 127.0.0.1 only: `GET /scenario` lists each tenant's scenario;
 * `POST /scenario {"name": "…", "tenant"?: "…"}` switches one (default: the first tenant) and
 * answers `{scenario, tenant}`; an unknown scenario or tenant is a 400 with the sentence. JSON only
 * (a browser's form post cannot reach it), bodies up to 4 KB, and the Host must be the loopback
 * address it listens on (no DNS rebinding).
 */
export async function startLabControl(lab: Lab): Promise<LabControl> {
  let port = 0;
  const server = createServer((req, res) => {
    handle(lab, port, req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, { error: 'The lab could not switch the scenario.' });
      else res.destroy();
    });
  });
  port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, stop: () => close(server) };
}

async function handle(lab: Lab, port: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (!['127.0.0.1', 'localhost'].map((h) => `${h}:${port}`).includes(String(req.headers.host)))
    return reply(res, 421, { error: `Use the lab's control endpoint as http://127.0.0.1:${port}.` });
  if (path !== '/scenario') return reply(res, 404, { error: 'The lab answers GET and POST /scenario only.' });
  if (req.method === 'GET') return reply(res, 200, { tenants: lab.scenarios() });
  if (req.method !== 'POST')
    return reply(res, 405, { error: 'Use GET /scenario to list, POST /scenario to switch.' }, { Allow: 'GET, POST' });
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return reply(res, 415, { error: 'Send the body as JSON (Content-Type: application/json).' });
  const tooLarge = `The body is larger than ${CONTROL_MAX_BODY} bytes; send {"name": "<scenario>", "tenant": "<tenant>"}.`;
  if (Number(req.headers['content-length'] ?? 0) > CONTROL_MAX_BODY) return reply(res, 413, { error: tooLarge }, { Connection: 'close' });
  let body: string;
  try {
    body = await readBody(req, CONTROL_MAX_BODY);
  } catch {
    return reply(res, 413, {
      error: `The body is larger than ${CONTROL_MAX_BODY} bytes; send {"name": "<scenario>", "tenant": "<tenant>"}.`,
    });
  }
  const request = parseRequest(body);
  if (typeof request === 'string') return reply(res, 400, { error: request });
  try {
    lab.setScenario(request.name, request.tenant);
  } catch (error) {
    return reply(res, 400, { error: (error as Error).message });
  }
  return reply(res, 200, { scenario: request.name, tenant: request.tenant ?? lab.state.tenant.name });
}

/** `{name, tenant?}`, or the sentence saying what is wrong with the body. */
function parseRequest(body: string): { name: string; tenant?: string } | string {
  const shape = 'Send {"name": "<scenario>"} and optionally "tenant": "<tenant>".';
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return `The body is not JSON. ${shape}`;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `The body is not a JSON object. ${shape}`;
  const { name, tenant, ...rest } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') return `The body has no scenario "name". ${shape}`;
  if (tenant !== undefined && typeof tenant !== 'string') return `"tenant" must be a tenant's name. ${shape}`;
  const extra = Object.keys(rest);
  if (extra.length > 0) return `The body has fields the lab does not know (${extra.join(', ')}). ${shape}`;
  return tenant === undefined ? { name } : { name, tenant };
}

function reply(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  sendBody(res, status, 'application/json; charset=utf-8', JSON.stringify(value), headers);
}

/**
 * The console's `lab scenario` line (not a chat verb: it exists only when the console runs the
 * lab). `lab scenario` lists; `lab scenario <name> [tenant]` switches. Other lines are not its own
 * (undefined).
 */
export function labConsoleLine(lab: Lab, text: string): string | undefined {
  const words = text
    .trim()
    .replace(/^\/mailsetup\s+/i, '')
    .split(/\s+/);
  if (words[0]?.toLowerCase() !== 'lab') return undefined;
  if (words[1]?.toLowerCase() !== 'scenario' || words.length > 4) {
    return 'The lab takes `lab scenario` (list) or `lab scenario <name> [tenant]` (switch).';
  }
  const [, , name, tenant] = words;
  if (!name) return listing(lab);
  try {
    lab.setScenario(name, tenant);
  } catch (error) {
    return (error as Error).message;
  }
  const who = tenant ?? lab.state.tenant.name;
  return `Tenant ${who} is now in scenario "${name}": ${findScenario(name)?.description ?? ''}`;
}

function listing(lab: Lab): string {
  const all = lab.scenarios();
  if (all.length <= 20) return all.map((t) => `${t.tenant}: ${t.scenario}`).join('\n');
  const counts = new Map<string, number>();
  for (const t of all) counts.set(t.scenario, (counts.get(t.scenario) ?? 0) + 1);
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const others = all.filter((t) => t.scenario !== common).map((t) => `${t.tenant}: ${t.scenario}`);
  return [`${all.length} tenants; ${counts.get(common ?? '') ?? 0} in ${common}.`, ...others].join('\n');
}
