import { describe, expect, it } from "vitest";
import { ImportStopped } from "~/.server/import/model";
import { selectService } from "~/.server/import/service";

const EAU = { numcli: "004200", name: "Régie des eaux" };
const DECHETS = { numcli: "004281", name: "Déchets" };

describe("selectService (phase 1)", () => {
  it("takes the service named by --service, or the only one", () => {
    expect(selectService([EAU, DECHETS], "004281")).toBe(DECHETS);
    expect(selectService([EAU])).toBe(EAU);
  });

  it("stops with a French message listing the services when it cannot choose", () => {
    expect(() => selectService([EAU], "009999")).toThrow(new ImportStopped("Service 009999 inconnu du portail. Services existants : 004200 (Régie des eaux)."));
    expect(() => selectService([], "009999")).toThrow("Services existants : aucun.");
    expect(() => selectService([])).toThrow("Aucun service dans le portail : créez d'abord le service (voir docs/import.md).");
    expect(() => selectService([EAU, DECHETS])).toThrow(
      "Plusieurs services dans le portail : précisez lequel avec --service <numcli> (004200 Régie des eaux, 004281 Déchets).",
    );
    expect(() => selectService([EAU, DECHETS])).toThrow(ImportStopped);
  });
});
