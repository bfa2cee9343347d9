import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { AdminError } from "~/.server/embedded/admin";
import { contractLinksCommand, listContractLinks, undoContractLink } from "../../scripts/admin-contract-links";
import { asLiveUser, testDatabase } from "../support/database";
import { createAccount, createContract, link } from "./world";

/**
 * `npm run admin -- rattachements [annuler <id> --motif "…"]` (scripts/admin-contract-links.ts) on
 * a real PGlite: the list, the undo with who and why, and the French refusals.
 */
let db: Database;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db.close());

describe("rattachements", () => {
  it("lists the manual links and undoes one: the resident no longer sees the invoices", async () => {
    const me = await createAccount(db, "admin-rattache@exemple.fr");
    const contract = await createContract(db);
    await link(db, me, contract);
    const [row] = await listContractLinks(db);
    expect(row).toMatchObject({ customerNumber: contract.customerNumber, accountEmail: me.email, undone: false, current: true });
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await contractLinksCommand(db, [], "agent")).toBe(0);
    expect(log.mock.calls.flat().join("\n")).toContain(`contrat n° ${contract.customerNumber}`);
    expect(await contractLinksCommand(db, ["annuler", row!.linkId, "--motif", "Demande du titulaire"], "Agent Martin")).toBe(0);
    log.mockRestore();
    expect((await listContractLinks(db))[0]).toMatchObject({ undone: true, undoneBy: "Agent Martin", undoReason: "Demande du titulaire", current: false });
    const seen = await asLiveUser(db, me.userId, me.email, (tx) => tx.query("select 1 from portal.invoices"));
    expect(seen.rows).toEqual([]);
    await expect(undoContractLink(db, row!.linkId, "Agent Martin", "encore")).rejects.toThrow(new AdminError("Ce rattachement est déjà annulé."));
  });

  it("refuses without a reason, a malformed id, an unknown id, and a command it does not know", async () => {
    await expect(undoContractLink(db, "pas-un-id", "agent", "raison")).rejects.toThrow(/Identifiant de rattachement illisible/);
    await expect(undoContractLink(db, "00000000-0000-4000-8000-000000000000", "agent", " ")).rejects.toThrow(/Indiquez le motif/);
    await expect(undoContractLink(db, "00000000-0000-4000-8000-000000000000", "agent", "raison")).rejects.toThrow(/Rattachement inconnu/);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await contractLinksCommand(db, ["annuler", "00000000-0000-4000-8000-000000000000"], "agent")).toBe(2);
    error.mockRestore();
  });
});
