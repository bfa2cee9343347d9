import { hostname } from "node:os";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addService, AdminError, readSettings, setAnnouncement, setPaymentSuspended, setServiceAddress, setWelcomeMessage } from "~/.server/embedded/admin";
import { openDatabase, type Database } from "~/.server/embedded/database";
import { acquireDataDirLock, DataDirLockedError } from "~/.server/embedded/lock";
import { testDatabase } from "../support/database";
import { tempDataDir } from "./helpers";

describe("npm run admin (embedded staff settings)", () => {
  let db: Database;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("sets and clears the announcement, sets the welcome message, suspends and resumes payment", async () => {
    await setAnnouncement(db, "Maintenance samedi.\nMerci de votre patience.");
    await setWelcomeMessage(db, "Bienvenue.");
    await setPaymentSuspended(db, "004200", true);
    let s = await readSettings(db);
    expect(s.announcement).toBe("Maintenance samedi.\nMerci de votre patience.");
    expect(s.welcomeMessage).toBe("Bienvenue.");
    const demoService = () => s.services.find((service) => service.numcli === "004200");
    expect(demoService()).toEqual({ numcli: "004200", name: "Service Multi Services de démonstration", paymentSuspended: true });
    // Only the service named is touched (the seed's 004281 is open, 004282 suspended).
    expect(s.services.find((service) => service.numcli === "004281")?.paymentSuspended).toBe(false);
    // What the residents' home page reads.
    const home = await db.asUser("d0000000-0000-4000-8000-000000000001", "demo@demo.fr", (tx) =>
      tx.query<{ announcement: string | null }>("select announcement from public.portal_home()"),
    );
    expect(home.rows[0]!.announcement).toBe("Maintenance samedi.\nMerci de votre patience.");
    await setAnnouncement(db, "  ");
    await setPaymentSuspended(db, "004200", false);
    s = await readSettings(db);
    expect(s.announcement).toBeNull();
    expect(demoService()?.paymentSuspended).toBe(false);
  });

  it("refuses an unknown service or a bad numcli in French, and adds a service for an import", async () => {
    await expect(setPaymentSuspended(db, "009999", true)).rejects.toThrow(new AdminError("Service 009999 inconnu : « npm run admin -- services » affiche les services existants."));
    await expect(addService(db, "42", "X")).rejects.toThrow(/6 chiffres/);
    expect(await addService(db, "004201", "Régie des eaux")).toBe("created");
    expect(await addService(db, "004201", "Régie des eaux du Val")).toBe("renamed");
    expect((await readSettings(db)).services.map((x) => x.name)).toContain("Régie des eaux du Val");
  });

  it("sets and clears a service's postal address (the certificates' signature), refusing an unknown service or an empty address", async () => {
    const address = async () =>
      (await db.asService((tx) => tx.query<{ a: string | null }>("select postal_address as a from portal.services where numcli = '004200'"))).rows[0]!.a;
    await setServiceAddress(db, "004200", "  Régie des eaux\r\n1 place de la Mairie\n00000 Démoville ");
    expect(await address()).toBe("Régie des eaux\n1 place de la Mairie\n00000 Démoville");
    await expect(setServiceAddress(db, "004200", "   ")).rejects.toThrow(/300 caractères au plus/);
    await expect(setServiceAddress(db, "004200", "x".repeat(301))).rejects.toThrow(AdminError);
    await expect(setServiceAddress(db, "009999", "1 rue X")).rejects.toThrow(new AdminError("Service 009999 inconnu : « npm run admin -- services » affiche les services existants."));
    await setServiceAddress(db, "004200", null);
    expect(await address()).toBeNull();
  });
});

describe("one process at a time on a DATA_DIR", () => {
  it("refuses a DATA_DIR held by another live process, naming it", async () => {
    const dir = await tempDataDir();
    try {
      const owner = { pid: process.ppid, host: hostname(), command: "server/node.js", since: "2026-11-28T10:00:00.000Z" };
      await writeFile(join(dir, "portal.lock"), JSON.stringify(owner));
      await expect(acquireDataDirLock(dir)).rejects.toThrow(DataDirLockedError);
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/is in use by another process \(pid \d+ on .*"server\/node.js"/);
      await expect(stat(join(dir, "pglite"))).rejects.toThrow(/ENOENT/); // PGlite never opened
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("takes over the lock of a process that is gone, and releases its own on close", async () => {
    const dir = await tempDataDir();
    try {
      await writeFile(join(dir, "portal.lock"), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: "crashed", since: "x" }));
      const lock = await acquireDataDirLock(dir, "test");
      expect(JSON.parse(await readFile(join(dir, "portal.lock"), "utf8"))).toMatchObject({ pid: process.pid, command: "test" });
      await expect(acquireDataDirLock(dir)).resolves.toBeDefined(); // same pid: a restarted container
      await lock.release();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a lock whose owner cannot be checked (other host) is stale once its heartbeat is 30 s old", async () => {
    const dir = await tempDataDir();
    try {
      const path = join(dir, "portal.lock");
      await writeFile(path, JSON.stringify({ pid: 1, host: "autre-machine", command: "server", since: "x" }));
      await expect(acquireDataDirLock(dir)).rejects.toThrow(DataDirLockedError);
      const old = new Date(Date.now() - 60_000);
      const { utimes } = await import("node:fs/promises");
      await utimes(path, old, old);
      const lock = await acquireDataDirLock(dir);
      await lock.release();
      await expect(stat(path)).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
