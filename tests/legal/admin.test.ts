import { afterAll, describe, expect, it } from "vitest";
import { AdminError } from "~/.server/embedded/admin";
import { formatLegalInfo, isSiret, legalField, legalValue, readLegalInfo, setLegalField } from "../../scripts/lib/admin-legal";
import { testDatabase } from "../support/database";

/** `npm run admin -- legal …` (scripts/lib/admin-legal.ts) on a real embedded database. */
const db = await testDatabase();
afterAll(() => db.close());

describe("checking what staff type", () => {
  it("knows a SIRET by its length and its key", () => {
    expect(isSiret("00000000000018")).toBe(true);
    expect(isSiret("00000000000019")).toBe(false); // wrong key
    expect(isSiret("0000000000018")).toBe(false); // 13 digits
    expect(isSiret("3560000000001A")).toBe(false);
    expect(isSiret("35600000000048")).toBe(true); // La Poste's head office: a right key
    expect(isSiret("35600000000047")).toBe(true); // another La Poste establishment: digits add up to 25
    expect(isSiret("35600000000049")).toBe(false);
    expect(isSiret("00000000000055")).toBe(false); // digits add up to 10, but not La Poste: the key decides
    expect(legalValue("publisherSiret", "000 000 000 00018")).toBe("00000000000018");
    expect(() => legalValue("publisherSiret", "00000000000019")).toThrow(new AdminError("SIRET de l'éditeur : Ce SIRET n'est pas valide (sa clé de contrôle ne correspond pas) : vérifiez-le sur annuaire-entreprises.data.gouv.fr."));
    expect(() => legalValue("publisherSiret", "1234")).toThrow(/14 chiffres/);
  });

  it("normalises e-mail addresses, texts and periods, and refuses the rest in French", () => {
    expect(legalValue("dpoEmail", "  DPO@Commune.FR ")).toBe("dpo@commune.fr");
    expect(() => legalValue("dpoEmail", "pas une adresse")).toThrow(/Adresse mail invalide/);
    expect(legalValue("hostAddress", "  1 rue du Port\\n00000 Ville ")).toBe("1 rue du Port\n00000 Ville");
    expect(() => legalValue("hostName", "   ")).toThrow(/Indiquez la valeur/);
    expect(() => legalValue("hostName", "x".repeat(301))).toThrow(/300 caractères au plus/);
    expect(() => legalValue("hostName", "Hébergeur\u0007")).toThrow(/caractères de contrôle/);
    expect(legalValue("contactMessagesMonths", " 12 ")).toBe(12);
    expect(() => legalValue("contactMessagesMonths", "0")).toThrow(/Au moins 1 mois/);
    expect(() => legalValue("loginThrottleDays", "1,5")).toThrow(/nombre entier de jours/);
    expect(() => legalValue("paymentRecordsMonths", "601")).toThrow(/Au plus 600 mois/);
  });

  it("names fields as staff type them, and lists them all when one is unknown", () => {
    expect(legalField("siret")).toBe("publisherSiret");
    expect(legalField("hebergeur-telephone")).toBe("hostPhone");
    expect(() => legalField("hebergeur-fax")).toThrow(/Champ « hebergeur-fax » inconnu[\s\S]*conservation-paiements/);
  });
});

describe("reading and writing the legal identity", () => {
  it("sets a field, clears it, and show says what is missing", async () => {
    await setLegalField(db, "hostPhone", legalValue("hostPhone", "01 02 03 04 05"));
    expect((await readLegalInfo(db)).hostPhone).toBe("01 02 03 04 05");
    await setLegalField(db, "hostPhone", null);
    const info = await readLegalInfo(db);
    expect(info.hostPhone).toBeNull();
    const shown = formatLegalInfo(info);
    expect(shown).toMatch(/^hebergeur-telephone +\(non renseigné\)$/m);
    expect(shown).toMatch(/^siret +00000000000018$/m);
    expect(shown).toContain("1 champ(s) non renseigné(s)");
  });

  it("the table's own checks stand behind the CLI's", async () => {
    await expect(setLegalField(db, "publisherSiret", "123")).rejects.toThrow(/check constraint/);
    expect((await readLegalInfo(db)).publisherSiret).toBe("00000000000018");
  });
});
