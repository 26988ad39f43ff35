/**
 * Every access token a lab in this process issued — Microsoft tokens from the token endpoint and
 * the ERP's IMAP OAuth tokens — so that secret scans look for them in whatever the bot printed,
 * posted or logged, whether or not the bot itself knew it held them.
 */
const issued = new Set<string>();

export function recordIssuedToken(token: string): void {
  issued.add(token);
}

export function labIssuedTokens(): string[] {
  return [...issued];
}
