import { z } from "zod";

/**
 * An e-mail address typed by a resident: trimmed, lower-cased (as stored), bounded, valid. The
 * address syntax leaves no room for a control character (NUL, tab…: app/utils/text-schema.ts).
 */
export const emailField = z
  .string({ error: "Saisissez votre adresse mail." })
  .trim()
  .toLowerCase()
  .min(1, "Saisissez votre adresse mail.")
  .max(254, "Cette adresse mail est trop longue.")
  .pipe(z.email("Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr."));
