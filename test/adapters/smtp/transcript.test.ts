import { describe, expect, it } from 'vitest';
import { Transcript } from '../../../src/adapters/smtp/transcript.js';

function feed(lines: [string, string][]): Transcript {
  const t = new Transcript();
  for (const [from, text] of lines) t.logger.debug({ tnx: from }, text);
  return t;
}

describe('Transcript.stage', () => {
  it('is connect before the greeting and before any command', () => {
    expect(feed([]).stage()).toBe('connect');
    expect(feed([['server', '220 mx ready']]).stage()).toBe('connect');
  });

  it('names the first command still waiting for its reply, also when pipelined', () => {
    const t = feed([
      ['server', '220 mx ready'],
      ['client', 'EHLO bot'],
      ['server', '250-mx\n250 PIPELINING'],
      ['client', 'MAIL FROM:<a@b>'],
      ['client', 'RCPT TO:<c@d>'],
      ['client', 'DATA'],
    ]);
    expect(t.stage()).toBe('mail');
  });

  it('is the message once DATA got its 354', () => {
    const t = feed([
      ['server', '220 mx ready'],
      ['client', 'EHLO bot'],
      ['server', '250 mx'],
      ['client', 'DATA'],
      ['server', '354 go ahead'],
    ]);
    expect(t.stage()).toBe('message');
  });

  it('ignores log lines that are not transaction lines', () => {
    const t = new Transcript();
    t.logger.debug({ tnx: 'network' }, 'Connection established');
    t.logger.debug(undefined, 'x');
    expect(t.lines).toEqual([]);
  });
});
