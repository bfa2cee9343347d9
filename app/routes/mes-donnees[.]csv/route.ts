import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { personalDataDownload } from "~/.server/personal-data";

/**
 * GET /mes-donnees.csv — « Télécharger mes données », CSV format (spreadsheet): the signed-in
 * resident's own data as an attachment (resource route, no layout; app/.server/personal-data.ts,
 * docs/personal-data-export.md). A visitor is sent to the login page, which comes back here.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  return personalDataDownload(request, "csv");
}
