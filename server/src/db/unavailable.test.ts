import { ConnectionException, DriverException, UniqueConstraintViolationException } from "@mikro-orm/core";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./unavailable";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it("recognises a refused, cut or timed-out connection, however it is wrapped", () => {
    const refused = withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED");
    const shutdown = withCode("terminating connection due to administrator command", "57P01");
    for (const error of [
      refused,
      shutdown,
      withCode("the database system is starting up", "57P03"),
      withCode("sorry, too many clients already", "53300"),
      new Error("Connection terminated unexpectedly"),
      Object.assign(new Error("Knex: Timeout acquiring a connection. The pool is probably full."), { name: "KnexTimeoutError" }),
      new DriverException(shutdown),
      new ConnectionException(new Error("anything")),
      new GraphQLError("Context creation failed: connect ECONNREFUSED", { originalError: refused }),
      new Error("query failed", { cause: refused }),
      new AggregateError([refused], "all addresses failed"),
    ]) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    }
  });

  it("leaves every other failure to be reported as the bug it is", () => {
    for (const error of [
      new Error("Cannot read properties of undefined"),
      withCode('duplicate key value violates unique constraint "users_email_unique"', "23505"),
      new UniqueConstraintViolationException(withCode("duplicate key", "23505")),
      withCode('syntax error at or near "selec"', "42601"),
      new GraphQLError("Not found"),
      null,
      "ECONNREFUSED",
    ]) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(false);
    }
  });
});
