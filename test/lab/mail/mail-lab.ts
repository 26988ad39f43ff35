import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { startMailLab } from '../../../lab/mail/index.js';
import type { LabRawConfig } from '../../../lab/service.js';
import { healthyState, type LabState } from '../../../lab/state.js';
import { labTls } from '../../../lab/tls.js';

/** Only the mail lab over a fresh healthy state (the MX reads the Microsoft state; no HTTP needed). */
export async function startMailOnly(apply?: (state: LabState) => void) {
  const state = healthyState();
  apply?.(state);
  const config: LabRawConfig = { tenants: [{ name: 'contoso', probe: { outsideSender: state.tenant.outsideSender } }], services: {} };
  const running = await startMailLab(state, config);
  const mx = config.services.mx as { host: string; port: number };
  return { state, config, mxPort: mx.port, stop: () => running.stop() };
}

export interface SendResult {
  ok: boolean;
  /** The server's last reply (the 250 after DATA, or the rejection). */
  response: string;
  command?: string;
}

/** One message over a real SMTP conversation (EHLO, STARTTLS, EHLO, MAIL, RCPT, DATA) from `localAddress`. */
export function sendMail(port: number, localAddress: string, envelope: { from: string; to: string[] }, raw: string): Promise<SendResult> {
  return new Promise((resolve) => {
    const connection = new SMTPConnection({
      host: '127.0.0.1',
      port,
      localAddress,
      name: 'sender.test',
      requireTLS: true,
      tls: { ca: labTls().caPem },
      logger: false,
      socketCloseTimeout: 0,
      connectionTimeout: 3000,
      greetingTimeout: 3000,
      socketTimeout: 5000,
    });
    connection.on('error', () => {});
    connection.connect((err) => {
      if (err) {
        connection.close();
        return resolve({
          ok: false,
          response: (err as { response?: string }).response ?? err.message,
          command: (err as { command?: string }).command,
        });
      }
      connection.send(envelope, raw, (sendErr, info) => {
        connection.quit();
        if (sendErr) {
          const e = sendErr as { response?: string; command?: string };
          return resolve({ ok: false, response: e.response ?? sendErr.message, command: e.command });
        }
        resolve({ ok: true, response: info?.response ?? '' });
      });
    });
  });
}

export function message(subject: string, from = 'probe@outside.test', to = 'sales@contoso.test', extra = ''): string {
  return `From: <${from}>\r\nTo: <${to}>\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@test>\r\n${extra}\r\nHello.\r\n`;
}

/** The `Received:` values on top of a stored message, newest first, unfolded. */
export function receivedChain(raw: string): string[] {
  const head = raw.slice(0, Math.max(0, raw.search(/\r?\n\r?\n/))).replace(/\r?\n[ \t]+/g, ' ');
  return head
    .split(/\r?\n/)
    .filter((line) => /^Received:/i.test(line))
    .map((line) => line.replace(/^Received:\s*/i, ''));
}
