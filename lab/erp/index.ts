import { createServer } from 'node:net';
import { listen } from '../http-server.js';
import type { LabRawConfig, LabServiceStarter } from '../service.js';
import type { LabState } from '../state.js';
import { type ErpRuntime, runCron } from './methods.js';
import { startErpServer } from './server.js';

/**
 * Starts the lab ERP on 127.0.0.1 (a free port) and writes `tenants[0].erp` into the config: the
 * URL, database and the bot's credentials (a password; an API key on 19+, for JSON-2). When
 * `state.erp.reachable` is false nothing listens at the URL, so connections are refused.
 */
export const startErpLab: LabServiceStarter = async (state, config) => {
  if (!state.erp.reachable) {
    writeConfig(state, config, `http://127.0.0.1:${await unusedPort()}`);
    return { name: 'erp', stop: async () => {} };
  }
  const runtime: ErpRuntime = { cronBusy: false };
  const server = await startErpServer(state, runtime);
  writeConfig(state, config, server.url);
  const loop = startCronLoop(state, runtime);
  return {
    name: 'erp',
    stop: async () => {
      if (loop) clearInterval(loop);
      await server.close();
    },
  };
};

function writeConfig(state: LabState, config: LabRawConfig, url: string): void {
  const erp = state.erp;
  const tenant = config.tenants[0] as Record<string, unknown>;
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
