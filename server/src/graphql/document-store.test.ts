import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { BoundedDocumentStore } from "./document-store";

describe("BoundedDocumentStore", () => {
  it("gives back the very document stored under a key, and nothing for an unknown key", async () => {
    const store = new BoundedDocumentStore();
    const document = parse("{ __typename }");
    await store.set("a", document);
    expect(await store.get("a")).toBe(document);
    expect(await store.get("b")).toBeUndefined();
  });

  it("starts again once the query text it holds would pass its bound, so distinct large documents cannot pile up", async () => {
    const store = new BoundedDocumentStore();
    // Each document is just over 99,000 characters of query text; the bound is 1,000,000.
    const large = (index: number) => parse(`{ a${index}: __typename ${" ".repeat(99_000)} }`);
    for (let index = 0; index < 10; index++) await store.set(`q${index}`, large(index));
    expect(await store.get("q0")).toBeDefined();
    await store.set("q10", large(10));
    expect(await store.get("q0")).toBeUndefined();
    expect(await store.get("q10")).toBeDefined();
  });

  it("forgets a deleted document", async () => {
    const store = new BoundedDocumentStore();
    await store.set("a", parse("{ __typename }"));
    expect(await store.delete("a")).toBe(true);
    expect(await store.get("a")).toBeUndefined();
  });
});
