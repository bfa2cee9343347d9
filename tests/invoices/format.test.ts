import { describe, expect, test } from "vitest";
import { formatDate, formatDayInFrance, formatEuros } from "~/utils/format";

describe("formatEuros", () => {
  test("formats cents the French way, with Intl's own spaces", () => {
    const intl = (n: number) => new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(n);
    expect(formatEuros(24311)).toBe(intl(243.11));
    expect(formatEuros(24311).replace(/[\u202f\u00a0]/g, " ")).toBe("243,11 €");
    expect(formatEuros(0).replace(/[\u202f\u00a0]/g, " ")).toBe("0,00 €");
    expect(formatEuros(5).replace(/[\u202f\u00a0]/g, " ")).toBe("0,05 €");
    expect(formatEuros(123456789).replace(/[\u202f\u00a0]/g, " ")).toBe("1 234 567,89 €");
  });

  test("refuses a fractional amount of cents", () => {
    expect(() => formatEuros(1.5)).toThrow(RangeError);
  });
});

describe("formatDate", () => {
  test("writes an SQL date as dd/mm/yyyy without going through a time zone", () => {
    expect(formatDate("2017-07-10")).toBe("10/07/2017");
    expect(formatDate("2017-01-01")).toBe("01/01/2017");
    expect(() => formatDate("2017-07-10T00:00:00Z")).toThrow(RangeError);
  });
});

describe("formatDayInFrance", () => {
  test("gives the day in Paris of a moment (late evening UTC is the next day in summer)", () => {
    expect(formatDayInFrance("2017-04-18T08:32:00Z")).toBe("18/04/2017");
    expect(formatDayInFrance("2017-07-10T22:30:00Z")).toBe("11/07/2017");
  });
});
