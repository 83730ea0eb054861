import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { DATE_RANGE_MESSAGE, UNSAFE_TEXT_MESSAGE, unstorableInput } from "./input-guard";

describe("unstorableInput", () => {
  it("accepts ordinary text, emoji (a surrogate pair) and other control characters", () => {
    expect(unstorableInput({ input: { name: "Crème brûlée 😀", note: "tab\tand\nnewline", tags: ["a", "b"] } })).toBeNull();
  });

  it("finds NUL and lone surrogates, high or low, however deep, with their path", () => {
    expect(unstorableInput({ input: { name: "a\u0000b" } })).toEqual({ path: ["input", "name"], message: UNSAFE_TEXT_MESSAGE });
    expect(unstorableInput({ input: { contact: { phone: "\ud800" } } })?.path).toEqual(["input", "contact", "phone"]);
    expect(unstorableInput({ input: { cidrs: ["10.0.0.0/8", "x\udc00"] } })?.path).toEqual(["input", "cidrs", "1"]);
    expect(unstorableInput({ search: "\ud83d\ud83d" })?.path).toEqual(["search"]);
  });

  it("refuses dates outside the years 1 to 9999 and accepts those within", () => {
    expect(unstorableInput({ since: new Date("0000-06-01T00:00:00Z") })).toEqual({ path: ["since"], message: DATE_RANGE_MESSAGE });
    expect(unstorableInput({ since: new Date("+010000-01-01T00:00:00Z") })?.path).toEqual(["since"]);
    expect(unstorableInput({ since: new Date("0001-01-01T00:00:00Z"), until: new Date("9999-12-31T23:59:59Z") })).toBeNull();
  });
});
