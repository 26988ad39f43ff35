import { createServer } from 'node:net';
import { listen } from '../http-server.js';
import type { LabRawConfig, LabServiceStarter } from '../service.js';
import type { LabState } from '../state.js';
import { labTenantsOf } from '../tenants.js';
import { type ErpRuntime, runCron } from './methods.js';
import { startErpServer } from './server.js';

/**
 * Starts the lab ERP on 127.0.0.1 (a free port) and writes each tenant's `erp` into the config: the
 * URL, database and the bot's credentials (a password; an API key on 19+, for JSON-2). One server
 * is the hosting front of every tenant's ERP: the first at the root URL, the others under
 * `/<tenant name>` (see `startErpServer`). While no tenant's ERP is reachable (`erp.reachable`
 * false) nothing listens at the port, so connections are refused; a scenario switch opens or closes
 * it again on the same port.
 */
export const startErpLab: LabServiceStarter = async (lab, config) => {
  const tenants = labTenantsOf(lab);
  const runtimes = new Map<LabState, ErpRuntime>(tenants.all.map((s) => [s, { cronBusy: false }]));
  const server = await startErpServer(tenants, (state) => runtimes.get(state) ?? { cronBusy: false });
  const anyReachable = () => tenants.all.some((s) => s.erp.reachable);
  let port = 0;
  if (anyReachable()) port = await server.open(0);
  else port = await unusedPort();
  const url = `http://127.0.0.1:${port}`;
  for (const state of tenants.all) writeConfig(state, config, state === tenants.first ? url : `${url}/${state.tenant.name}`);

  // Switches run one after another: the port is opened or closed to match the tenants' reachability.
  let sync = Promise.resolve();
  tenants.onChange(() => {
    sync = sync.then(async () => {
      if (anyReachable() && !server.listening()) await server.open(port);
      else if (!anyReachable() && server.listening()) await server.close();
    });
  });
  const loops = tenants.all.map((s) => startCronLoop(s, runtimes.get(s) as ErpRuntime)).filter((l) => l !== undefined);
  return {
    name: 'erp',
    stop: async () => {
      for (const loop of loops) clearInterval(loop);
      await sync;
      if (server.listening()) await server.close();
    },
  };
};

function writeConfig(state: LabState, config: LabRawConfig, url: string): void {
  const erp = state.erp;
  const tenant = config.tenants.find((t) => t.name === state.tenant.name) ?? config.tenants[0];
  if (!tenant) return;
  tenant.erp = {
    url,
    database: erp.database,
    login: erp.bot.login,
    ...(erp.version >= 19 ? { apiKey: erp.bot.apiKey } : { password: erp.bot.password }),
    publicUrl: erp.publicUrl,
    salesTeam: 'Sales',
    salesAlias: state.tenant.salesAlias,
    fetchIntervalMinutes: 5,
  };
}

/** The ERP's own scheduler: runs the fetch cron every `cronIntervalMs` while the cron record is active. */
function startCronLoop(state: LabState, runtime: ErpRuntime): NodeJS.Timeout | undefined {
  const interval = state.erp.cronIntervalMs;
  if (!interval) return undefined;
  const timer = setInterval(() => {
    const xmlid = state.erp.modelData.find((d) => d.name === 'ir_cron_mail_gateway_action');
    const cron = state.erp.crons.find((c) => c.id === xmlid?.res_id);
    if (cron?.active && !runtime.cronBusy) runCron(state, cron, runtime).catch(() => {});
  }, interval);
  timer.unref();
  return timer;
}

/** A port nothing listens on: bind, read it, close. */
async function unusedPort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
