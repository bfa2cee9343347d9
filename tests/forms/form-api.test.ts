import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EmailForm } from "~/.server/account-mail-form";
import { PublicContactForm, ResidentContactForm } from "~/.server/contact-form";
import { CONTROL_CHARACTER_MESSAGE, declareForm, parseFields, parseSubmission, readSubmission, UNREADABLE_FORM_MESSAGE } from "~/.server/form";
import { withSession } from "~/.server/session-response";
import { LoginForm } from "~/routes/connexion/schema";
import { TextAreaField, TextField, useForm } from "~/components/form";
import type { FormConstraints, FormReply } from "~/utils/form";
import { combineHeaders } from "~/utils/headers";
import { newPasswordSchema } from "~/utils/password-policy";

/** The form API (docs/decisions/0021-forms.md): one zod schema → server parse, HTML constraints, echoed values, French errors. */

const post = (fields: Record<string, string>) =>
  new Request("http://localhost/formulaire", { method: "POST", body: new URLSearchParams(fields) });

async function refusal(promise: Promise<unknown>): Promise<{ status: number; text: string }> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, text: await thrown.text() };
    throw thrown;
  }
  throw new Error("expected a thrown Response");
}

describe("declareForm: constraint attributes from the zod schema", () => {
  it("login: required e-mail typed as email and bounded, required password, optional checkbox", () => {
    expect(LoginForm.constraints).toEqual({
      email: { required: true, maxLength: 254, type: "email" },
      password: { required: true, maxLength: 200 },
      remember: {},
    });
  });

  it("public contact: defaulted fields are optional, bounds from the shared limits, the service is required", () => {
    expect(PublicContactForm.constraints).toEqual({
      serviceId: { required: true },
      email: { required: true, maxLength: 254, type: "email" },
      name: { maxLength: 200 },
      customerNumber: { maxLength: 50 },
      subject: { maxLength: 200 },
      body: { required: true, maxLength: 5000 },
    });
    expect(ResidentContactForm.constraints).toEqual({ serviceId: { required: true }, subject: { maxLength: 200 }, body: { required: true, maxLength: 5000 } });
  });

  it("new password: minLength follows the configured policy", () => {
    expect(declareForm(z.object({ password: newPasswordSchema(12) })).constraints.password).toMatchObject({ required: true, minLength: 12 });
    expect(declareForm(z.object({ password: newPasswordSchema(8) })).constraints.password).toMatchObject({ required: true, minLength: 8 });
  });

  it("sends plain JSON to the page (no schema, no function)", () => {
    expect(JSON.parse(JSON.stringify(PublicContactForm.constraints))).toEqual(PublicContactForm.constraints);
  });
});

describe("parseFields: French errors and echoed values", () => {
  it("gives the first French error of each field, and the parsed value on success", () => {
    const failed = parseFields(EmailForm, {});
    expect(failed.success).toBe(false);
    expect(failed.errors).toEqual({ email: "Saisissez votre adresse mail." });
    expect(parseFields(EmailForm, { email: "pas-une-adresse" }).errors.email).toBe(
      "Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr.",
    );
    const ok = parseFields(EmailForm, { email: "  Demo@Demo.FR " });
    expect(ok.success && ok.value).toEqual({ email: "demo@demo.fr" });
    expect(ok.errors).toEqual({});
  });

  it("echoes what was typed, truncated: an e-mail to 254 characters, free text to twice its maximum", () => {
    const long = parseFields(PublicContactForm, { email: `${"a".repeat(600)}@exemple.fr`, subject: "s".repeat(1000), body: "m".repeat(20_000), name: "n".repeat(500) });
    const { values } = long.reply();
    expect(values.email).toHaveLength(254);
    expect(values.subject).toHaveLength(400);
    expect(values.body).toHaveLength(10_000);
    expect(values.name).toHaveLength(400);
    expect(values.customerNumber).toBe("");
    expect(long.errors.subject).toBe("L'objet ne peut pas dépasser 200 caractères : raccourcissez-le.");
    expect(long.errors.email).toBe("Cette adresse mail est trop longue.");
  });

  it("never echoes a secret field, and echoes the text as typed (not trimmed)", () => {
    const reply = parseFields(LoginForm, { email: " Demo@Demo.fr ", password: "secret-tapé" }).reply({ formError: "Adresse mail ou mot de passe incorrect." });
    expect(reply).toEqual({
      errors: {},
      formError: "Adresse mail ou mot de passe incorrect.",
      values: { email: " Demo@Demo.fr ", password: "", remember: "" },
    });
  });

  it("reply() adds errors and replaces values when asked", () => {
    const submission = parseFields(ResidentContactForm, { serviceId: "5e000000-0000-4000-8000-000000004200", body: "Bonjour" });
    expect(submission.success).toBe(true);
    expect(submission.reply({ errors: { serviceId: "Choisissez le service auquel vous écrivez." }, values: { body: "" } })).toEqual({
      errors: { serviceId: "Choisissez le service auquel vous écrivez." },
      formError: null,
      values: { serviceId: "5e000000-0000-4000-8000-000000004200", subject: "", body: "" },
    });
  });
});

describe("readSubmission / parseSubmission keep readForm's refusals", () => {
  it("answers 400 in French to a body that is not a form", async () => {
    const json = new Request("http://localhost/formulaire", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } });
    expect(await refusal(parseSubmission(json, EmailForm))).toEqual({ status: 400, text: UNREADABLE_FORM_MESSAGE });
  });

  it("answers 400 to a control character outside free text, and leaves free text to the schema's French error", async () => {
    expect(await refusal(parseSubmission(post({ email: "demo@demo.fr\u0000" }), EmailForm))).toEqual({ status: 400, text: CONTROL_CHARACTER_MESSAGE });
    const submission = await parseSubmission(post({ serviceId: "5e000000-0000-4000-8000-000000004200", body: "Bonjour\u0000" }), ResidentContactForm);
    expect(submission.errors.body).toBe(
      "Votre message contient un caractère invisible non autorisé (caractère de contrôle) : retapez le passage copié-collé.",
    );
    expect(submission.reply().values.body).toBe("Bonjour\u0000");
  });

  it("lets the route read a field first and replace one before parsing", async () => {
    const submitted = await readSubmission(post({ intent: "envoyer", body: "Bonjour" }), ResidentContactForm);
    expect(submitted.fields.intent).toBe("envoyer");
    expect(submitted.parse().errors.serviceId).toBe("Choisissez le service auquel vous écrivez.");
    const only = submitted.parse({ serviceId: "5e000000-0000-4000-8000-000000004200" });
    expect(only.success && only.value.serviceId).toBe("5e000000-0000-4000-8000-000000004200");
  });
});

describe("withSession: the session's headers on every answer", () => {
  const accounts = { headers: new Headers([["Set-Cookie", "sb-session=1; Path=/"], ["Cache-Control", "private, no-cache"]]) };

  it("keeps the session's cookies, with a status or an init of the route's own", () => {
    expect(new Headers(withSession(accounts).headers).getSetCookie()).toEqual(["sb-session=1; Path=/"]);
    expect(withSession(accounts, 400).status).toBe(400);
    const init = withSession(accounts, { status: 303, headers: { "Set-Cookie": "annonce=; Max-Age=0", "Cache-Control": "no-store" } });
    const headers = new Headers(init.headers);
    expect(init.status).toBe(303);
    expect(headers.getSetCookie()).toEqual(["sb-session=1; Path=/", "annonce=; Max-Age=0"]);
    // The route's own header replaces the session's.
    expect(headers.get("Cache-Control")).toBe("no-store");
  });

  it("combineHeaders skips empty sources and keeps several cookies of one source apart", () => {
    const two = new Headers();
    two.append("Set-Cookie", "a=1");
    two.append("Set-Cookie", "b=2, c");
    expect(combineHeaders(null, undefined, two).getSetCookie()).toEqual(["a=1", "b=2, c"]);
  });
});

describe("useForm and the field components: the page side", () => {
  const constraints: FormConstraints<"email" | "body"> = { email: { required: true, maxLength: 254, type: "email" }, body: { required: true, maxLength: 5000 } };

  function Page({ reply }: { reply?: FormReply<"email" | "body"> }): ReactElement {
    const { form, field } = useForm(constraints, reply);
    return createElement(
      "form",
      { noValidate: form.noValidate },
      createElement(TextField, { ...field("email"), label: "Adresse mail" }),
      createElement(TextAreaField, { ...field("body"), label: "Message" }),
    );
  }

  it("renders the constraint attributes from the schema, without errors before a submit", () => {
    const html = renderToStaticMarkup(createElement(Page, {}));
    expect(html).toContain('<form novalidate="">');
    expect(html).toMatch(/<input id="email" name="email"[^>]* required="" maxLength="254" type="email"\/>/i);
    expect(html).toMatch(/<textarea id="body" name="body"[^>]* required="" maxLength="5000"/i);
    expect(html).not.toContain("aria-invalid=");
    expect(html).not.toContain("autofocus");
  });

  it("after a failed submit: echoed values, French errors linked by aria-describedby, autofocus on the first invalid field", () => {
    const reply: FormReply<"email" | "body"> = {
      errors: { email: "Saisissez votre adresse mail.", body: "Écrivez votre message avant de l'envoyer." },
      formError: null,
      values: { email: "demo@", body: "" },
    };
    const html = renderToStaticMarkup(createElement(Page, { reply }));
    expect(html).toMatch(/<input id="email" name="email" aria-invalid="true" aria-describedby="email-error"[^>]* autofocus="" value="demo@"/);
    expect(html).toContain('<p id="email-error" class="text-sm font-medium text-brand-700">Saisissez votre adresse mail.</p>');
    expect(html).toContain('<p id="body-error" class="text-sm font-medium text-brand-700">Écrivez votre message avant de l&#x27;envoyer.</p>');
    // Only the first invalid field takes the focus.
    expect(html.match(/autofocus/g)).toHaveLength(1);
  });
});

describe("ui.tsx: the links and buttons keep the portal's classes", () => {
  it("renders each look with its classes, extra layout classes first", async () => {
    const { ButtonAnchor, PrimaryButton, SecondaryButton, TextAnchor } = await import("~/components/ui");
    const html = (element: ReactElement) => renderToStaticMarkup(element);
    expect(html(createElement(TextAnchor, { href: "/" }, "Accueil"))).toBe('<a class="font-semibold text-brand-700 underline" href="/">Accueil</a>');
    expect(html(createElement(TextAnchor, { href: "/", inNotice: true }, "x"))).toContain('class="font-semibold underline"');
    expect(html(createElement(TextAnchor, { href: "/", inTable: true }, "x"))).toContain(
      'class="font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-900"',
    );
    expect(html(createElement(ButtonAnchor, { href: "/f.pdf", className: "inline-block" }, "PDF"))).toContain(
      'class="inline-block rounded bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800"',
    );
    expect(html(createElement(PrimaryButton, { children: "Envoyer" }))).toBe(
      '<button type="submit" class="rounded bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">Envoyer</button>',
    );
    expect(html(createElement(SecondaryButton, { name: "intent", value: "effacer", children: "Effacer" }))).toContain(
      'class="rounded border border-brand-700 px-4 py-2 font-semibold text-brand-700 hover:bg-brand-50" name="intent" value="effacer"',
    );
  });
});
