import { describe, expect, it } from "vitest";
import { searchOf } from "./apollo-route";

/** What Apollo reads from a GET request: the query string's parameters, decoded. */
const parameters = (search: string) => [...new URLSearchParams(search)];

describe("searchOf", () => {
  it("gives Apollo the parameters the WHATWG URL parser would have, however the query string is spelled", () => {
    const targets = [
      "/graphql",
      "/graphql?",
      "/graphql?query=%7B__typename%7D",
      "/graphql?query={__typename}&operationName=Typename",
      "/graphql?query=query+Org($id:ID!){organization(id:$id){name}}&variables=%7B%22id%22%3A%22T3Jn%22%7D",
      "/graphql?query=%7B%20viewer%20%7B%20email%20%7D%20%7D&extensions=",
      '/graphql?variables={"name":"Zürich \'Süd\'"}&query=x',
      "/graphql?a=1&a=2&b=%zz&c=%2B+d",
      "/graphql?query=x#fragment?y=z",
      "http://latchkey.test/graphql?query=x",
    ];
    for (const target of targets) {
      expect(parameters(searchOf(target)), target).toEqual(parameters(new URL(target, "http://latchkey.test/").search));
    }
  });

  it("is empty without a query string, as URL's `search` is", () => {
    expect(searchOf("/graphql")).toBe("");
    expect(searchOf("/graphql?")).toBe("");
    expect(searchOf("/graphql#?x")).toBe("");
  });
});
