import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

/** The throttles of the account flows (login, activation and recovery e-mails): service only. */
let world: World;
beforeAll(async () => {
  world = await createWorld();
  await world.db.asService((tx) =>
    tx.query(`insert into portal.login_throttle (key, failures) values ('pair:203.0.113.7 demo@demo.fr', 1)`),
  );
  await world.db.asService((tx) =>
    tx.query(`insert into portal.auth_mail_throttle (key, requested_at) values ('email:demo@demo.fr', array[now()]), ('ip:203.0.113.7', array[now()])`),
  );
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.login_throttle", () => {
  tableRlsTests({
    table: "login_throttle",
    keySql: "key",
    updateColumn: "failures",
    getWorld: () => world,
    expected: null,
  });
});

describe("RLS on portal.auth_mail_throttle", () => {
  tableRlsTests({
    table: "auth_mail_throttle",
    keySql: "key",
    updateColumn: "requested_at",
    getWorld: () => world,
    expected: null,
  });
});
