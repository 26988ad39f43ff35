import type { PeerCertificate } from 'node:tls';

/**
 * A server certificate that does not name the host the bot connected to, as one sentence with the
 * fix. Adding a CA would not help here (the certificate is trusted, just for another name), so the
 * sentence points at the host setting instead.
 */
export function hostMismatch(error: unknown, host: string, setting: string): string | undefined {
  const e = (error ?? {}) as { code?: unknown; originalCode?: unknown; cert?: PeerCertificate; message?: unknown };
  const code = typeof e.originalCode === 'string' ? e.originalCode : e.code;
  const message = typeof e.message === 'string' ? e.message : '';
  if (code !== 'ERR_TLS_CERT_ALTNAME_INVALID' && !/does not match certificate's altnames/i.test(message)) return undefined;
  const names = certificateNames(e.cert, message);
  const named = names.length > 0 ? names.join(', ') : 'another host';
  return `the certificate of ${host} is for ${named}, not ${host}: use the host name the certificate names in ${setting}`;
}

/** The names a certificate is for: its subjectAltName entries, else its subject CN; else what Node's message quotes. */
function certificateNames(cert: PeerCertificate | undefined, message: string): string[] {
  const fromAltNames = (text: string) =>
    text
      .split(/,\s*/)
      .map((entry) => /^(?:DNS|IP Address):(.+)$/i.exec(entry.trim())?.[1]?.trim())
      .filter((name): name is string => Boolean(name));
  if (cert?.subjectaltname) {
    const names = fromAltNames(cert.subjectaltname);
    if (names.length > 0) return names;
  }
  const cn = cert?.subject?.CN;
  if (cn) return Array.isArray(cn) ? cn : [cn];
  const quoted = /altnames: (.*)$/i.exec(message)?.[1];
  return quoted ? fromAltNames(quoted) : [];
}
