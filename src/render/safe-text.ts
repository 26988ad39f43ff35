/**
 * Neutralises control characters in text that reaches a terminal or a chat message: values from
 * arguments, config and outside services (an ERP server name, a rule name, an SMTP reply) could
 * carry ESC/OSC sequences that recolour, retitle or rewrite a terminal. Newlines and tabs are kept;
 * every other C0/C1 control and DEL becomes a visible escape (`\x1b` → `\u001b`).
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function neutraliseControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
