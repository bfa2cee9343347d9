import { requireUser } from "./accounts";
import { getBackend } from "./backend";

/**
 * Every page behind login starts here: the verified user, their accounts object (whose
 * headers must go on the response), and the data and files ports that read as that user,
 * through RLS.
 */
export async function requireResident(request: Request) {
  const { user, accounts } = await requireUser(request);
  const backend = await getBackend();
  return {
    user,
    accounts,
    data: backend.residentData(accounts, user),
    files: backend.residentFiles(accounts, user),
  };
}
