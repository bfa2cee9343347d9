/** Phase 1 of the import (run.ts): which service the files are for. */
import { ImportStopped } from "./model";
import type { ImportService } from "./target";

/** The service named by `numcli`, or the only one; ImportStopped otherwise. */
export function selectService(services: ImportService[], numcli?: string): ImportService {
  if (numcli) {
    const service = services.find((s) => s.numcli === numcli);
    if (service) return service;
    throw new ImportStopped(
      `Service ${numcli} inconnu du portail. Services existants : ${services.map((s) => `${s.numcli} (${s.name})`).join(", ") || "aucun"}.`,
    );
  }
  if (services.length === 1) return services[0]!;
  throw new ImportStopped(
    services.length === 0
      ? "Aucun service dans le portail : créez d'abord le service (voir docs/import.md)."
      : `Plusieurs services dans le portail : précisez lequel avec --service <numcli> (${services.map((s) => `${s.numcli} ${s.name}`).join(", ")}).`,
  );
}
