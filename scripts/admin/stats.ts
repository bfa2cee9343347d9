import type { Rpc } from "../../app/.server/data/rpc";
import { formatEuros } from "../../app/utils/format";
import { cliValues, formatTable, parseOptions, StaffCommandError, valueOf } from "./cli";
import { monthlyActivity, type MonthlyActivity } from "./staff-rpc";

/**
 * `npm run admin -- stats [--service <numcli>] [--mois AAAA-MM]`: what a service reports to its
 * elected officials, per month (public.staff_monthly_activity; docs/staff-settings.md,
 * « Chiffres d'activité »). Answers what to print.
 */
export async function statsCommand(rpc: Rpc, args: string[]): Promise<string> {
  const { options, words } = parseOptions(args, ["service", "mois"]);
  if (words.length > 0) throw new StaffCommandError(`Mot en trop : ${words.join(" ")}. Utilisation : npm run admin -- stats [--service <numcli>] [--mois AAAA-MM].`);
  const numcli = options.service === undefined ? undefined : valueOf(cliValues.numcli, options.service);
  const month = options.mois === undefined ? undefined : valueOf(cliValues.month, options.mois);
  const rows = await monthlyActivity(rpc, month, numcli);
  if (numcli && !rows.some((r) => r.numcli === numcli)) {
    throw new StaffCommandError(
      month
        ? `Service ${numcli} inconnu : « npm run admin -- services » affiche les services.`
        : `Aucune activité pour le service ${numcli} (ou service inconnu : « npm run admin -- services » affiche les services).`,
    );
  }
  if (rows.length === 0) return "Aucune activité enregistrée.";
  const months = [...new Set(rows.map((r) => r.month))];
  return [...months.map((m) => monthBlock(m, rows.filter((r) => r.month === m))), NOTES].join("\n\n");
}

const monthName = new Intl.DateTimeFormat("fr-FR", { timeZone: "UTC", month: "long", year: "numeric" });
const percent = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });
const count = new Intl.NumberFormat("fr-FR");

function monthBlock(month: string, rows: MonthlyActivity[]): string {
  const title = monthName.format(new Date(`${month}T00:00:00Z`));
  const table = formatTable(
    ["Service", "Comptes activés", "Abonnés avec compte", "Part", "Renoncements au papier", "Paiements en ligne", "Montant payé en ligne", "Courriels envoyés", "Courriels en échec"],
    rows.map((r) => [
      r.numcli ? `${r.numcli} ${r.serviceName}` : r.serviceName,
      count.format(r.accountsActivated),
      `${count.format(r.customersWithAccount)} / ${count.format(r.customers)}`,
      r.customers > 0 ? percent.format(r.customersWithAccount / r.customers) : "—",
      count.format(r.paperOptouts),
      count.format(r.paymentsCount),
      formatEuros(r.paymentsCents),
      r.emailsSent === null ? "—" : count.format(r.emailsSent),
      r.emailsFailed === null ? "—" : count.format(r.emailsFailed),
    ]),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  return `${title.charAt(0).toUpperCase()}${title.slice(1)}\n${table}`;
}

const NOTES = [
  "Comptes activés : abonnés rattachés pour la première fois à un compte en ligne pendant le mois.",
  "Abonnés avec compte : à la fin du mois (mois en cours : à ce jour) ; un compte fermé depuis n'est plus compté.",
  "Paiements en ligne : paiements PayFiP et TIPI réglés pendant le mois (hors paiements en attente, refusés ou abandonnés).",
  "Courriels : pour tout le portail (un courriel n'appartient à aucun service), sur la ligne « Ensemble » ; envoyés : remis au service d'envoi ; en échec : abandonnés après les nouvelles tentatives.",
  "Renoncements au papier et courriels envoyés : comptés tant qu'ils sont conservés (durées de conservation, npm run admin -- legal show).",
].join("\n");
