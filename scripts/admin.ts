/**
 * `npm run admin -- <command>`: the staff settings of the embedded default (with Supabase, use the
 * dashboard: docs/staff-settings.md). Stop the portal first: the embedded database is opened by
 * one process at a time (the command says so if it is running). `paiements` and `stats` also run
 * with Supabase, through the service role's rpc (scripts/admin/staff.ts).
 */
import { env } from "../app/.server/env";
import { openDatabase } from "../app/.server/embedded/database";
import { DataDirLockedError } from "../app/.server/embedded/lock";
import {
  addService,
  AdminError,
  listReportedPayments,
  PURGE_CATEGORIES,
  purgeNow,
  readSettings,
  remindersNow,
  setAnnouncement,
  setPaymentSuspended,
  setServiceAddress,
  setWelcomeMessage,
} from "../app/.server/embedded/admin";
import { LEGAL_FIELDS } from "../app/.server/ports/legal";
import { createEmbeddedRpc } from "../app/.server/embedded/rpc";
import { supabaseStaffRpc } from "./admin/staff-rpc";
import { STAFF_GROUPS, staffCommand } from "./admin/staff";
import { takeBy } from "./admin/cli";
import { formatLegalInfo, legalField, legalValue, readLegalInfo, setLegalField } from "./lib/admin-legal";
import { contractLinksCommand } from "./admin-contract-links";

const USAGE = `Utilisation : npm run admin -- <commande>
  show                                 affiche l'annonce, le message d'accueil et les services
  announcement set "<texte>"           annonce en tête de l'accueil (\\n : nouveau paragraphe)
  announcement clear                   retire l'annonce
  welcome set "<texte>"                message d'accueil (\\n : nouveau paragraphe)
  payment suspend <numcli>             suspend le paiement en ligne d'un service
  payment resume <numcli>              rétablit le paiement en ligne
  services                             liste les services
  services add <numcli> "<nom>"        ajoute un service (ou le renomme), avant un import
  services address set <numcli> "<adresse>"
                                       adresse postale du service, imprimée sur les attestations
                                       de paiement (\\n : nouvelle ligne)
  services address clear <numcli>      la retire
  paiements a-confirmer [--service <numcli>]
                                       paiements à confirmer : signalés payés (TIPI) sans
                                       vérification, ou PayFiP restés sans réponse utilisable
  paiements confirmer <id|refdet> --motif "<motif>" [--par "<nom>"]
                                       le paiement figure sur le relevé DGFiP : factures réglées
  paiements rejeter <id|refdet> --motif "<motif>" [--par "<nom>"]
                                       le paiement n'y figure pas : factures de nouveau payables
  stats [--service <numcli>] [--mois AAAA-MM]
                                       chiffres d'activité par service et par mois (comptes,
                                       paiements en ligne, papier, courriels)
  legal show                           mentions légales et données personnelles (éditeur,
                                       hébergeur, délégué, durées de conservation)
  legal set <champ> "<valeur>"         renseigne un champ (legal show donne leurs noms)
  legal clear <champ>                  le vide : la page indique « non renseigné »
  purge [--dry-run]                    applique les durées de conservation maintenant (le
                                       portail le fait chaque jour) ; --dry-run : compte sans
                                       rien supprimer
  rattachements                        contrats rattachés à la main par les usagers (« Rattacher
                                       un contrat »)
  rattachements annuler <id> --motif "<raison>" [--par "<nom>"]
                                       annule un rattachement : le compte ne voit plus le contrat
  rappels [--dry-run]                  écrit maintenant les rappels « bientôt à régler » (le
                                       portail le fait chaque heure) ; --dry-run : compte sans
                                       rien écrire`;

const paragraphs = (text: string) => text.replace(/\\n/g, "\n");

async function main(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  if (!group || group === "--help" || group === "-h") {
    console.log(USAGE);
    return group ? 0 : 2;
  }
  const config = env();
  if (config.backend === "supabase" && STAFF_GROUPS.has(group)) return staffCommand(supabaseStaffRpc(config), argv);
  if (config.backend === "supabase") {
    console.error("Avec Supabase, ces réglages se font dans le tableau de bord (Table Editor ou SQL Editor) : voir docs/staff-settings.md.");
    return 2;
  }
  let db;
  try {
    db = await openDatabase({ dataDir: config.DATA_DIR, seed: true });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(`La base intégrée (${error.dataDir}) est ouverte par un autre programme (pid ${error.owner.pid}, « ${error.owner.command} ») — sans doute le portail. Arrêtez-le, puis relancez la commande.`);
      return 3;
    }
    throw error;
  }
  try {
    if (group === "show") {
      const s = await readSettings(db);
      console.log(`Annonce : ${s.announcement ?? "(aucune)"}`);
      console.log(`Message d'accueil :\n${s.welcomeMessage || "(vide)"}`);
      console.log("Services :");
      for (const service of s.services) {
        console.log(`  ${service.numcli}  ${service.name}${service.paymentSuspended ? "  — paiement suspendu" : ""}`);
      }
      const reported = (await listReportedPayments(db)).length;
      if (reported > 0) console.log(`Paiements à confirmer : ${reported} (npm run admin -- paiements a-confirmer)`);
    } else if (group === "announcement" && action === "set" && rest[0]) {
      await setAnnouncement(db, paragraphs(rest.join(" ")));
      console.log("Annonce enregistrée : elle s'affiche à la prochaine page ouverte par les usagers.");
    } else if (group === "announcement" && action === "clear") {
      await setAnnouncement(db, null);
      console.log("Annonce retirée.");
    } else if (group === "welcome" && action === "set" && rest[0]) {
      await setWelcomeMessage(db, paragraphs(rest.join(" ")));
      console.log("Message d'accueil enregistré.");
    } else if (group === "payment" && (action === "suspend" || action === "resume") && rest[0]) {
      await setPaymentSuspended(db, rest[0], action === "suspend");
      console.log(action === "suspend" ? `Paiement en ligne suspendu pour le service ${rest[0]}.` : `Paiement en ligne rétabli pour le service ${rest[0]}.`);
    } else if (group === "services" && !action) {
      for (const service of (await readSettings(db)).services) console.log(`${service.numcli}  ${service.name}`);
    } else if (STAFF_GROUPS.has(group)) {
      return await staffCommand(createEmbeddedRpc(db, { role: "service_role" }), argv);
    } else if (group === "purge" && (action === undefined || (action === "--dry-run" && rest.length === 0))) {
      const summary = await purgeNow(db, action === "--dry-run");
      console.log(formatPurge(summary));
    } else if (group === "rattachements") {
      const { by, rest: args } = takeBy(argv.slice(1));
      return await contractLinksCommand(db, args, by);
    } else if (group === "rappels" && (action === undefined || (action === "--dry-run" && rest.length === 0))) {
      const run = await remindersNow(db, action === "--dry-run");
      console.log(
        run.dryRun
          ? `Simulation : rien n'a été écrit. Seraient écrits : ${run.emails} courriel(s) de rappel pour ${run.invoices} facture(s).`
          : `Écrits : ${run.emails} courriel(s) de rappel pour ${run.invoices} facture(s) ; le portail les envoie.`,
      );
    } else if (group === "legal") {
      return await legal(db, action, rest);
    } else if (group === "services" && action === "address" && rest[1] && (rest[0] === "clear" ? rest.length === 2 : rest[0] === "set" && rest[2])) {
      await setServiceAddress(db, rest[1], rest[0] === "set" ? paragraphs(rest.slice(2).join(" ")) : null);
      console.log(rest[0] === "set" ? `Adresse du service ${rest[1]} enregistrée.` : `Adresse du service ${rest[1]} retirée.`);
    } else if (group === "services" && action === "add" && rest[0] && rest[1]) {
      const done = await addService(db, rest[0], rest.slice(1).join(" "));
      console.log(done === "created" ? `Service ${rest[0]} ajouté.` : `Service ${rest[0]} renommé.`);
    } else {
      console.error(`Commande non comprise : ${argv.join(" ")}\n\n${USAGE}`);
      return 2;
    }
    return 0;
  } catch (error) {
    if (error instanceof AdminError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

/** What `purge` did (or would do), in French. */
function formatPurge(summary: Awaited<ReturnType<typeof purgeNow>>): string {
  const lines = [summary.dryRun ? "Simulation : rien n'a été supprimé. Seraient supprimés :" : "Supprimés :"];
  for (const [category, label] of Object.entries(PURGE_CATEGORIES)) {
    if (category in summary.deleted) lines.push(`  ${label} : ${summary.deleted[category]}`);
  }
  if (summary.more) lines.push("Il en reste : relancez la commande (le portail continue à sa prochaine purge quotidienne).");
  for (const column of summary.unset) {
    const cli = Object.values(LEGAL_FIELDS).find((f) => f.column === column)?.cli ?? column;
    lines.push(`Durée non renseignée (${cli}) : rien n'est supprimé dans cette catégorie. Renseignez-la : npm run admin -- legal set ${cli} <durée>.`);
  }
  return lines.join("\n");
}

/** `legal show | set <champ> "<valeur>" | clear <champ>` (scripts/lib/admin-legal.ts). */
async function legal(db: Parameters<typeof readLegalInfo>[0], action: string | undefined, rest: string[]): Promise<number> {
  if (action === "show" && rest.length === 0) {
    console.log(formatLegalInfo(await readLegalInfo(db)));
  } else if (action === "set" && rest.length >= 2) {
    const field = legalField(rest[0]);
    const value = legalValue(field, rest.slice(1).join(" "));
    await setLegalField(db, field, value);
    console.log(`Enregistré (${rest[0]}) : ${String(value).replace(/\n/g, " / ")}. Les pages /mentions-legales et /donnees-personnelles l'affichent dès maintenant.`);
  } else if (action === "clear" && rest.length === 1) {
    await setLegalField(db, legalField(rest[0]), null);
    console.log(`Champ ${rest[0]} vidé : les pages indiquent « Information non renseignée par le service ».`);
  } else {
    console.error(`Commande non comprise : legal ${[action, ...rest].join(" ")}\n\n${USAGE}`);
    return 2;
  }
  return 0;
}

process.exit(await main(process.argv.slice(2)));
