import { getEmbeddedExtras } from "../backend";

/**
 * The local DGFiP simulator behind the simulator's pages (app/routes/simulateur-dgfip.*): the
 * embedded default's, or a 404 with Supabase, where those pages do not exist.
 */
export async function requireSimulator() {
  const sim = (await getEmbeddedExtras())?.paymentSimulator;
  if (!sim) throw new Response("Page introuvable", { status: 404 });
  return sim;
}
