import { z } from "zod";
import { declareForm } from "~/.server/form";
import { emailField } from "~/utils/email-schema";
import { typedPasswordIsClean } from "~/utils/password-policy";

/** The login form (server-only: the page gets its constraint attributes from the loader). */
export const LoginSchema = z.object({
  email: emailField,
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

export const LoginForm = declareForm(LoginSchema, { secret: ["password"] });
