import { z } from "zod";
import { typedPasswordIsClean } from "~/utils/password-policy";

/** The login form, used by the action (and by the client once it validates). */
export const LoginSchema = z.object({
  email: z
    .string({ error: "Saisissez votre adresse mail." })
    .trim()
    .toLowerCase()
    .min(1, "Saisissez votre adresse mail.")
    .max(254, "Cette adresse mail est trop longue.")
    .pipe(z.email("Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr.")),
  password: z
    .string({ error: "Saisissez votre mot de passe." })
    .min(1, "Saisissez votre mot de passe.")
    .max(200, "Ce mot de passe est trop long.")
    .refine(typedPasswordIsClean, "Ce mot de passe contient un caractère invisible non autorisé : retapez-le."),
  // A checkbox: ticked sends "on"; anything else (absent, forged) means not ticked.
  remember: z
    .unknown()
    .optional()
    .transform((value) => value === "on"),
});
