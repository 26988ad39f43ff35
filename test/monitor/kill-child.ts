/**
 * The bot side of the kill -9 test: opens the file store, observes two failing runs and a passing
 * one (root, recovery and update in the outbox, on two channels), then delivers through a poster
 * that hangs on call `hangAt` — the parent SIGKILLs this process there.
 * Args: <store path> <results JSON path> <posts path> <hang marker path> <hangAt>
 */
import { readFileSync } from 'node:fs';
import { CATALOGUE } from '../../src/checks/registry.js';
import type { CheckResult } from '../../src/engine/result.js';
import { StoredAlertBook } from '../../src/monitor/alert-book.js';
import { StoredOutboxDelivery } from '../../src/monitor/outbox-delivery.js';
import { Store } from '../../src/store/store.js';
import { FilePoster } from './file-poster.js';

const [storePath, resultsPath, postsPath, marker, hangAt] = process.argv.slice(2) as [string, string, string, string, string];
const { failing, passing } = JSON.parse(readFileSync(resultsPath, 'utf8')) as { failing: CheckResult[]; passing: CheckResult[] };
let now = Date.parse('2026-12-02T10:00:00Z');
const store = Store.open(storePath, { now: () => new Date(now) });
const book = new StoredAlertBook({
  alerts: store.alerts,
  outbox: store.outbox,
  catalogue: CATALOGUE,
  channelsFor: () => [
    { platform: 'slack', conversationId: 'C0ALERTS' },
    { platform: 'teams', conversationId: '19:alerts@thread.tacv2' },
  ],
});
book.observe({ tenant: 'contoso', at: new Date(now), cycle: 1, results: failing });
now += 5 * 60_000;
book.observe({ tenant: 'contoso', at: new Date(now), cycle: 2, results: failing });
now += 5 * 60_000;
book.observe({ tenant: 'contoso', at: new Date(now), cycle: 3, results: passing });
const delivery = new StoredOutboxDelivery({ outbox: store.outbox, now: () => new Date(now) });
const poster = new FilePoster(postsPath, { hangAt: Number(hangAt), hangMarker: marker });
delivery.setPoster('slack', poster);
delivery.setPoster('teams', poster);
await delivery.deliverDue();
