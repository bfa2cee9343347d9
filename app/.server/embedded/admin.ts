import type { Database } from "./database";

/**
 * Staff settings of the embedded default (`npm run admin`), where there is no Supabase
 * dashboard: the same columns staff edit in the dashboard with Supabase (docs/staff-settings.md),
 * written as service_role in one transaction each. French messages: staff read them.
 */
export class AdminError extends Error {
  override name = "AdminError";
}

export interface Settings {
  announcement: string | null;
  welcomeMessage: string;
  services: Array<{ numcli: string; name: string; paymentSuspended: boolean }>;
}

export async function readSettings(db: Database): Promise<Settings> {
  return db.asService(async (tx) => {
    const s = await tx.query<{ announcement: string | null; welcome_message: string }>(
      "select announcement, welcome_message from portal.portal_settings where id",
    );
    const services = await tx.query<{ numcli: string; name: string; payment_suspended: boolean }>(
      "select numcli, name, payment_suspended from portal.services order by numcli",
    );
    return {
      announcement: s.rows[0]?.announcement ?? null,
      welcomeMessage: s.rows[0]?.welcome_message ?? "",
      services: services.rows.map((r) => ({ numcli: r.numcli, name: r.name, paymentSuspended: r.payment_suspended })),
    };
  });
}

export async function setAnnouncement(db: Database, text: string | null): Promise<void> {
  const value = text === null || text.trim() === "" ? null : text.trim();
  if (value && value.length > 2000) throw new AdminError(`Annonce trop longue (${value.length} caractères, 2 000 au plus) : raccourcissez-la.`);
  await db.asService((tx) => tx.query("update portal.portal_settings set announcement = $1 where id", [value]));
}

export async function setWelcomeMessage(db: Database, text: string): Promise<void> {
  await db.asService((tx) => tx.query("update portal.portal_settings set welcome_message = $1 where id", [text.trim()]));
}

export async function setPaymentSuspended(db: Database, numcli: string, suspended: boolean): Promise<void> {
  const { rows } = await db.asService((tx) =>
    tx.query("update portal.services set payment_suspended = $2 where numcli = $1 returning numcli", [numcli, suspended]),
  );
  if (rows.length === 0) throw new AdminError(`Service ${numcli} inconnu : « npm run admin -- services » affiche les services existants.`);
}

export async function addService(db: Database, numcli: string, name: string): Promise<"created" | "renamed"> {
  if (!/^\d{6}$/.test(numcli)) throw new AdminError("L'identifiant du service (numcli TIPI/PayFiP) compte 6 chiffres, ex. 004200.");
  if (name.trim() === "" || name.trim().length > 200) throw new AdminError("Indiquez le nom du service (200 caractères au plus).");
  const { rows } = await db.asService((tx) =>
    tx.query<{ created: boolean }>(
      `insert into portal.services (numcli, name) values ($1, $2)
       on conflict (numcli) do update set name = excluded.name
       returning (xmax = 0) as created`,
      [numcli, name.trim()],
    ),
  );
  return rows[0]!.created ? "created" : "renamed";
}
