import { z } from "zod";

/** An e-mail address typed by a resident: trimmed, lower-cased (as stored), bounded, valid. */
export const emailField = z
  .string({ error: "Saisissez votre adresse mail." })
  .trim()
  .toLowerCase()
  .min(1, "Saisissez votre adresse mail.")
  .max(254, "Cette adresse mail est trop longue.")
  .pipe(z.email("Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr."));
