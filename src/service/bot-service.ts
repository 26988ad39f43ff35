import type { Logger } from 'pino';
import { CommandGate } from './command-gate.js';
import { HttpListener, type ReadinessProbe, type RequestHandler } from './http-listener.js';
import { Metrics } from './metrics.js';
import { SchedulerHeartbeat } from './scheduler-heartbeat.js';
import { ServiceEvents } from './service-events.js';

export interface BotServiceOptions {
  http: { host: string; port: number };
  /** How long running commands may take to finish once SIGTERM came, before they are aborted. */
  graceSeconds: number;
  logger: Logger;
  metrics?: Metrics;
}

/**
 * What runs the bot as a service: the HTTP listener (probes, metrics, mounted chat endpoints), the
 * readiness conditions, the command gate, and the hooks other parts call — `scheduler()` for the
 * watch's tick, `onFlush()` for what must be written out before exit (the outbox), `events` for
 * watch runs, alert transitions and plan decisions.
 */
export class BotService {
  readonly metrics: Metrics;
  readonly events: ServiceEvents;
  readonly gate = new CommandGate();
  readonly #options: BotServiceOptions;
  readonly #probes = new Map<string, ReadinessProbe>();
  readonly #routes = new Map<string, RequestHandler>();
  readonly #flushes: { name: string; flush: () => Promise<void> }[] = [];
  #listener: HttpListener | undefined;

  constructor(options: BotServiceOptions) {
    this.#options = options;
    this.metrics = options.metrics ?? new Metrics();
    this.events = new ServiceEvents({ metrics: this.metrics, logger: options.logger });
  }

  /** A readiness condition, by name (a later one with the same name replaces it). */
  readiness(name: string, probe: ReadinessProbe): void {
    this.#probes.set(name, probe);
  }

  /** A chat endpoint served on the shared listener. Mount before `start()`. */
  mount(path: string, handler: RequestHandler): void {
    this.#routes.set(path, handler);
  }

  /** The scheduler's heartbeat: readiness fails when it has not ticked for two intervals. */
  scheduler(intervalMs: number): SchedulerHeartbeat {
    const heartbeat = new SchedulerHeartbeat({ intervalMs, metrics: this.metrics });
    this.readiness('scheduler', () => heartbeat.probe());
    return heartbeat;
  }

  /** Something to write out at shutdown, after the last command and before the store closes. */
  onFlush(name: string, flush: () => Promise<void>): void {
    this.#flushes.push({ name, flush });
  }

  async start(): Promise<{ port: number }> {
    const listener = new HttpListener({
      ...this.#options.http,
      metrics: this.metrics,
      readiness: () => [...this.#probes.values()],
      routes: this.#routes,
    });
    const started = await listener.start();
    this.#listener = listener;
    this.#options.logger.info(
      { host: this.#options.http.host, port: started.port, mounted: [...this.#routes.keys()] },
      'HTTP listener started',
    );
    return started;
  }

  /** Readiness 503 at once, no new commands, running ones finish or are aborted at the deadline, then the flushes. */
  async drain(): Promise<void> {
    this.#listener?.drain();
    const graceMs = this.#options.graceSeconds * 1000;
    this.#options.logger.info({ inFlight: this.gate.inFlight, graceSeconds: this.#options.graceSeconds }, 'shutting down: no new commands');
    const { finished, aborted } = await this.gate.close(graceMs);
    if (finished + aborted > 0) this.#options.logger.info({ finished, aborted }, 'commands in flight at shutdown');
    for (const { name, flush } of this.#flushes) {
      try {
        await flush();
      } catch (error) {
        this.#options.logger.error(
          { flush: name, err: error instanceof Error ? error.message : String(error) },
          'a flush at shutdown failed',
        );
      }
    }
  }

  async stop(): Promise<void> {
    await this.#listener?.stop();
    this.#listener = undefined;
  }
}
