/**
 * Control characters in what a form sends. NUL cannot even be stored in PostgreSQL text (an
 * insert would fail: a 5xx), and none of the others (C0 controls, DEL) is typed by a person;
 * they come from a forged request or, rarely, from pasting binary text. Tab, line feed and
 * carriage return are ordinary in multi-line text (a textarea sends line breaks as CR LF).
 *
 * Two lines of defence (docs/decisions/0003-security-headers-and-origin-check.md, "Form bodies"):
 * app/.server/form.ts readForm refuses, with a 400, any form carrying FORBIDDEN_CONTROL in a
 * field, except in the free-text fields a route names; those are checked by their schema here,
 * which answers beside the field and keeps what the person typed.
 */
// eslint-disable-next-line no-control-regex
export const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Every C0 control character and DEL, tab and line breaks included: never in a one-line field. */
// eslint-disable-next-line no-control-regex
export const ANY_CONTROL = /[\u0000-\u001f\u007f]/;

/** True when `value` may be stored: no control character but tab, CR, LF in multi-line text. */
export function isCleanText(value: string, { multiline }: { multiline: boolean }): boolean {
  return !(multiline ? FORBIDDEN_CONTROL : ANY_CONTROL).test(value);
}
