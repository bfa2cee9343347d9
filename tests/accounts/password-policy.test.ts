import { describe, expect, it } from "vitest";
import { characterKinds, newPasswordSchema, passwordRuleText } from "~/utils/password-policy";

describe("password policy", () => {
  const schema = newPasswordSchema(8);

  it("accepts 8 characters mixing letters and digits", () => {
    expect(schema.safeParse("abcdefg1").success).toBe(true);
  });

  it("accepts letters with punctuation or spaces", () => {
    expect(schema.safeParse("mot de passe").success).toBe(true);
  });

  it("refuses a password shorter than the minimum with a French reason", () => {
    const result = schema.safeParse("abc12");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Le mot de passe doit contenir au moins 8 caractères.");
  });

  it("refuses a password made of one kind of characters only", () => {
    const result = schema.safeParse("abcdefghij");
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(
      "Le mot de passe doit mélanger au moins deux types de caractères : par exemple des lettres et des chiffres.",
    );
    expect(schema.safeParse("1234567890").success).toBe(false);
  });

  it("follows a configured minimum", () => {
    expect(newPasswordSchema(12).safeParse("abcdefg1").success).toBe(false);
    expect(passwordRuleText(12)).toContain("Au moins 12 caractères");
  });

  it("counts accented letters as letters", () => {
    expect(characterKinds("éèà")).toBe(1);
    expect(characterKinds("é1")).toBe(2);
    expect(characterKinds("é1!")).toBe(3);
  });
});
