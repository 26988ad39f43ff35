import { readFileSync } from 'node:fs';
import pino from 'pino';
import { startLab } from './lab/index.js';
import { createAdapters } from './src/adapters/create.js';
import { parseConfig } from './src/config/load.js';
import { executeEndToEnd } from './src/e2e/run.js';
import { DEFAULT_E2E_OPTIONS } from './src/e2e/types.js';

const scenario = process.argv[2] ?? 'healthy';
const t0 = Date.now();
const lab = await startLab({ scenario });
console.log('lab started in', Date.now() - t0);
try {
  const config = parseConfig(lab.config);
  const tenant = config.tenants[0]!;
  const adapters = createAdapters({
    tenant,
    services: config.services,
    timeouts: config.timeouts,
    ca: readFileSync(config.services.caFile!, 'utf8'),
    logger: pino({ level: 'silent' }),
  });
  const result = await executeEndToEnd({ adapters, tenant }, { ...DEFAULT_E2E_OPTIONS, deliveryTimeoutMs: 5000 });
  console.log(JSON.stringify(result, null, 1).slice(0, 6000));
  console.log('leads', JSON.stringify((lab.state.erp as any).leads?.map((l: any) => l.name)));
} finally {
  await lab.stop();
}
