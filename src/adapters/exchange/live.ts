import type { z } from 'zod';
import { isMailsetupError, MailsetupError } from '../../errors.js';
import { createHttpSend } from '../microsoft/http.js';
import type { ThrottlePolicy } from '../microsoft/throttle.js';
import type { TokenProvider } from '../microsoft/tokens.js';
import type { AdapterFactoryOptions } from '../options.js';
import { createInvokeCommandClient } from './invoke.js';
import type { ExchangeAdminPort } from './port.js';
import {
  acceptedDomainSchema,
  type CmdletParameters,
  casMailboxSchema,
  dynamicDistributionGroupSchema,
  inboundConnectorSchema,
  mailboxSchema,
  organizationConfigSchema,
  recipientSchema,
  transportRuleSchema,
} from './types.js';

/**
 * The live Exchange Online adapter over InvokeCommand (see README.md: not officially supported by
 * Microsoft, hence behind `ExchangeAdminPort`).
 */
export function createExchangeAdapter(options: AdapterFactoryOptions, tokens: TokenProvider, policy?: ThrottlePolicy): ExchangeAdminPort {
  const client = createInvokeCommandClient({
    exchangeAdminUrl: options.services.exchangeAdminUrl,
    tenantId: options.tenant.tenantId,
    clientId: options.tenant.microsoft?.clientId ?? '(none)',
    send: createHttpSend({ ca: options.ca, timeoutMs: options.timeouts.fetchMs, label: 'Exchange Online', source: 'exchange' }),
    tokens,
    policy,
  });

  async function read<S extends z.ZodType>(
    cmdlet: string,
    parameters: CmdletParameters,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>[]> {
    const objects = await client.run(cmdlet, parameters, signal);
    return objects.map((object) => {
      const result = schema.safeParse(object);
      if (!result.success) {
        const field = result.error.issues[0]?.path.join('.') ?? '?';
        throw new MailsetupError('GarbledResponse', `Exchange Online returned a ${cmdlet} object without a valid ${field}.`, {
          hint: 'The admin endpoint is not officially supported and may have changed; please report this.',
          source: 'exchange',
        });
      }
      return result.data;
    });
  }

  /** The one object of a `-Identity` read, or null when Exchange says it does not exist. */
  async function one<S extends z.ZodType>(cmdlet: string, identity: string, schema: S, signal?: AbortSignal): Promise<z.output<S> | null> {
    try {
      return (await read(cmdlet, { Identity: identity }, schema, signal))[0] ?? null;
    } catch (error) {
      if (isMailsetupError(error) && error.code === 'NotFound') return null;
      throw error;
    }
  }

  return {
    invoke: (cmdlet, parameters = {}, signal) => client.run(cmdlet, parameters, signal),
    getInboundConnectors: (signal) => read('Get-InboundConnector', {}, inboundConnectorSchema, signal),
    getTransportRules: (signal) => read('Get-TransportRule', {}, transportRuleSchema, signal),
    getAcceptedDomains: (signal) => read('Get-AcceptedDomain', {}, acceptedDomainSchema, signal),
    getDynamicDistributionGroup: (identity, signal) =>
      one('Get-DynamicDistributionGroup', identity, dynamicDistributionGroupSchema, signal),
    getDynamicDistributionGroupMembers: (identity, signal) =>
      read('Get-DynamicDistributionGroupMember', { Identity: identity, ResultSize: 'Unlimited' }, recipientSchema, signal),
    getMailbox: (identity, signal) => one('Get-Mailbox', identity, mailboxSchema, signal),
    getCasMailbox: (identity, signal) => one('Get-CASMailbox', identity, casMailboxSchema, signal),
    getRecipient: (identity, signal) => one('Get-Recipient', identity, recipientSchema, signal),
    getOrganizationConfig: async (signal) => {
      const [config] = await read('Get-OrganizationConfig', {}, organizationConfigSchema, signal);
      if (!config) throw new MailsetupError('GarbledResponse', 'Exchange Online returned no organization config.', { source: 'exchange' });
      return config;
    },
  };
}
