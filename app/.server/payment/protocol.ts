/**
 * TIPI / PayFiP protocol values (docs/decisions/0008-payment-payfip-tipi.md), for the portal and the simulator alike.
 * Amounts are integer cents end to end: nothing here multiplies a float.
 */

/** "19,99" / "19.99" / "243,11 €" / "1 234,56 €" → 1999 / 1999 / 24311 / 123456, by the digits. */
export function eurosToCents(text: string): number {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, "").replace(/€$/, "");
  const match = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match) throw new RangeError(`not an amount in euros: ${JSON.stringify(text)}`);
  const cents = (match[2] ?? "").padEnd(2, "0");
  return Number(match[1]) * 100 + Number(cents);
}

/** The `montant` field: integer cents, digits only (24311 → "24311"). */
export function montantOf(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents <= 0) throw new RangeError(`montant must be a positive integer of cents: ${cents}`);
  return String(cents);
}

/** A `montant` received from the provider: digits only, else null. */
export function parseMontant(value: string | null | undefined): number | null {
  if (value == null || !/^\d{1,12}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : null;
}

/** refdet: 6 to 30 characters of [A-Za-z0-9] (invoice numbers with dashes must be mapped). */
export function isValidRefdet(value: string): boolean {
  return /^[A-Za-z0-9]{6,30}$/.test(value);
}

export const RESULT_CODES = {
  P: { outcome: "paid", label: "Paiement par carte accepté" },
  V: { outcome: "paid", label: "Paiement par prélèvement accepté" },
  R: { outcome: "refused", label: "Paiement par carte refusé" },
  Z: { outcome: "refused", label: "Prélèvement refusé" },
  A: { outcome: "abandoned", label: "Paiement abandonné" },
} as const;
export type ResultCode = keyof typeof RESULT_CODES;

/** What a `resultrans` means; anything else is an error (null). */
export function resultOutcome(code: string | null | undefined): "paid" | "refused" | "abandoned" | null {
  return code != null && Object.hasOwn(RESULT_CODES, code) ? RESULT_CODES[code as ResultCode].outcome : null;
}

/** Minutes between UTC and Paris time at a given UTC instant (60 or 120). */
function parisOffsetMinutes(utc: Date): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Paris", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  }).formatToParts(utc);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return Math.round((asUtc - Math.floor(utc.getTime() / 60000) * 60000) / 60000);
}

/** dattrans (DDMMYYYY) + heurtrans (HHMM), Paris time → ISO instant; null when malformed. */
export function transactionInstant(dattrans: string | null | undefined, heurtrans: string | null | undefined): string | null {
  const d = /^(\d{2})(\d{2})(\d{4})$/.exec(dattrans?.trim() ?? "");
  const h = /^(\d{2})(\d{2})$/.exec(heurtrans?.trim() ?? "");
  if (!d) return null;
  const [day, month, year] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute] = h ? [Number(h[1]), Number(h[2])] : [0, 0];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  const offset = parisOffsetMinutes(new Date(naive - 60 * 60000));
  return new Date(naive - offset * 60000).toISOString();
}

/** dattrans / heurtrans of an instant, in Paris time (what DGFiP sends). */
export function dattransOf(instant: Date): { dattrans: string; heurtrans: string } {
  const offset = parisOffsetMinutes(instant);
  const local = new Date(instant.getTime() + offset * 60000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    dattrans: `${pad(local.getUTCDate())}${pad(local.getUTCMonth() + 1)}${local.getUTCFullYear()}`,
    heurtrans: `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}`,
  };
}

/** A form or query field, whatever its case (old integrations used upper case). */
export function fieldAnyCase(params: URLSearchParams, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [key, value] of params) if (key.toLowerCase() === wanted) return value;
  return null;
}

/** Classic TIPI `paiement.web` parameters, lower case, in the documented order. */
export interface TipiRequest {
  numcli: string;
  exer: string;
  refdet: string;
  montant: string;
  mel: string;
  objet: string;
  urlcl: string;
  saisie: string;
}

export function tipiFields(request: TipiRequest): [string, string][] {
  return [
    ["numcli", request.numcli],
    ["exer", request.exer],
    ["refdet", request.refdet],
    ["montant", request.montant],
    ["mel", request.mel],
    ["objet", request.objet],
    ["urlcl", request.urlcl],
    ["saisie", request.saisie],
  ];
}

/** The fields of a classic TIPI result posted to urlcl (any case). */
export interface TipiResult {
  numcli: string | null;
  exer: string | null;
  refdet: string | null;
  objet: string | null;
  montant: string | null;
  mel: string | null;
  saisie: string | null;
  resultrans: string | null;
  numauto: string | null;
  dattrans: string | null;
  heurtrans: string | null;
}

export function parseTipiResult(params: URLSearchParams): TipiResult {
  const f = (name: string) => fieldAnyCase(params, name);
  return {
    numcli: f("numcli"),
    exer: f("exer"),
    refdet: f("refdet"),
    objet: f("objet"),
    montant: f("montant"),
    mel: f("mel"),
    saisie: f("saisie"),
    resultrans: f("resultrans"),
    numauto: f("numauto"),
    dattrans: f("dattrans"),
    heurtrans: f("heurtrans"),
  };
}
