import type { Fault, RequestRecord } from '../lab/faults.js';
import { startLab } from '../lab/index.js';

/**
 * The bench's lab, in its own process (started by `lab-child.ts`). In production Microsoft, the
 * ERP and the mail servers are other machines: their CPU and memory are not the bot's. With the
 * lab in the bot's process its TLS handshakes, IMAP server and JSON building share the bot's one
 * JavaScript thread and its heap, and the bench measured the lab as much as the bot.
 *
 * IPC: the parent sends `{id, op, ...}`; the child answers `{id, ok, value}` or `{id, ok: false, error}`.
 */
type Request =
  | { id: number; op: 'mark' }
  | { id: number; op: 'since'; mark: number }
  | { id: number; op: 'inject'; fault: Fault }
  | { id: number; op: 'stop' };

const options = JSON.parse(process.argv[2] ?? '{}') as { scenario?: string; tenants?: number; faults?: Fault[] };
const lab = await startLab({ scenario: options.scenario ?? 'healthy', tenants: options.tenants ?? 1, faults: options.faults ?? [] });
const send = (message: unknown) => process.send?.(message);

process.on('message', async (message: Request) => {
  try {
    if (message.op === 'mark') return send({ id: message.id, ok: true, value: lab.requests.length });
    if (message.op === 'since') {
      // Counting calls needs only who, which service and which resource; the lab's records hold more.
      const rows = lab.requests.slice(message.mark).map((r: RequestRecord) => ({ tenant: r.tenant, service: r.service, key: r.key }));
      return send({ id: message.id, ok: true, value: rows });
    }
    if (message.op === 'inject') {
      // First in line: a request takes the first fault that matches it, and the bench's latency
      // faults match every request (`lab.inject` appends, behind them).
      lab.state.faults.unshift(message.fault);
      return send({ id: message.id, ok: true, value: null });
    }
    if (message.op === 'stop') {
      await lab.stop();
      send({ id: message.id, ok: true, value: null });
      process.disconnect?.();
      return;
    }
  } catch (error) {
    send({ id: (message as { id: number }).id, ok: false, error: (error as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
send({ ready: true, config: lab.config });
