import net from 'node:net';
import tls from 'node:tls';

/**
 * A bare SMTP client that sends exactly the lines a test gives it (nodemailer always says EHLO
 * first, so it cannot show what happens without it). Each `say` returns the server's full reply.
 */
export interface SmtpDialog {
  greeting: string;
  say(line: string): Promise<string>;
  /** STARTTLS, then the TLS handshake (trusting `ca`). */
  startTls(ca: string): Promise<string>;
  close(): void;
}

export async function smtpDialog(port: number, localAddress: string): Promise<SmtpDialog> {
  let socket: net.Socket = net.connect({ host: '127.0.0.1', port, localAddress });
  let buffer = '';
  let waiting: ((reply: string) => void) | undefined;
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const complete = buffer.match(/(^|\r\n)\d{3} [^\r\n]*\r\n$/);
    if (complete && waiting) {
      const reply = buffer.trimEnd();
      buffer = '';
      const resolve = waiting;
      waiting = undefined;
      resolve(reply);
    }
  };
  socket.on('data', onData);
  socket.on('error', () => {});
  const next = () => new Promise<string>((resolve) => (waiting = resolve));
  const greeting = await next();
  return {
    greeting,
    say: (line) => {
      const reply = next();
      socket.write(`${line}\r\n`);
      return reply;
    },
    startTls: async (ca) => {
      const reply = next();
      socket.write('STARTTLS\r\n');
      const answer = await reply;
      socket.removeListener('data', onData);
      const secure = tls.connect({ socket, ca, servername: 'localhost' });
      await new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', () => resolve());
        secure.once('error', reject);
      });
      secure.on('data', onData);
      socket = secure;
      return answer;
    },
    close: () => socket.destroy(),
  };
}
