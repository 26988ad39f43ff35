import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Secret } from '../src/config/secret.js';
import { createLogger } from '../src/log.js';

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, lines: () => text.trim().split('\n') };
}

describe('log', () => {
  it('keeps an error message (scrubbed of secrets) and writes no raw control characters', () => {
    const secret = new Secret('log-test-secret-value', 'inline');
    const { stream, lines } = capture();
    const logger = createLogger('info', stream);
    logger.error({ err: new Error(`refused ${secret.reveal()}`), server: 'relay \u001b]0;pwn\u0007 \u009b2J' }, 'ERP said \u009d0;x');
    const [line] = lines();
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(line).not.toContain('log-test-secret-value');
    const entry = JSON.parse(line as string);
    expect(entry.err.message).toBe('refused [redacted]');
    expect(entry.server).toBe('relay \\u001b]0;pwn\\u0007 \\u009b2J');
    expect(entry.msg).toBe('ERP said \\u009d0;x');
  });
});
