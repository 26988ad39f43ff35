import type { LabServiceStarter } from '../service.js';
import { labTenantsOf } from '../tenants.js';
import { exchangeEndpoint } from './exchange.js';
import { graphEndpoint } from './graph.js';
import { type LabListener, listenTls } from './http.js';
import { type LabOrigins, loginEndpoint } from './tokens.js';

/**
 * Starts the lab's Microsoft services over TLS on 127.0.0.1: the identity platform (token endpoint,
 * OpenID metadata), Microsoft Graph v1.0 and the Exchange admin endpoint. Each listens on its own
 * port, as each is its own host in the real world — which also keeps the Graph and Exchange token
 * audiences (`<origin>/.default`) apart. One listener each serves every tenant, routed by the
 * URL's tenant (token endpoint, Exchange) or the bearer token's `tid` (Graph). Writes the addresses
 * into the bot's config.
 */
export const startMicrosoftLab: LabServiceStarter = async (lab, config) => {
  const tenants = labTenantsOf(lab);
  const origins: LabOrigins = { login: '', graph: '', exchange: '' };
  const listeners: LabListener[] = [];
  try {
    const login = await listenTls(loginEndpoint(tenants, origins));
    listeners.push(login);
    const graph = await listenTls(graphEndpoint(tenants, origins));
    listeners.push(graph);
    const exchange = await listenTls(exchangeEndpoint(tenants, origins));
    listeners.push(exchange);
    Object.assign(origins, { login: login.origin, graph: graph.origin, exchange: exchange.origin });
  } catch (error) {
    await Promise.allSettled(listeners.map((l) => l.stop()));
    throw error;
  }
  config.services.authorityHost = origins.login;
  config.services.graphUrl = `${origins.graph}/v1.0`;
  config.services.exchangeAdminUrl = origins.exchange;
  return {
    name: 'microsoft',
    stop: async () => {
      await Promise.allSettled(listeners.map((l) => l.stop()));
    },
  };
};
