import { ConnectionException, DriverException } from "@mikro-orm/core";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";
import { workerLogFunction } from "./worker-log";

/** A database error as MikroORM raises it: the statement, values inlined, in its message and stack. */
function driverException(): DriverException {
  const previous = Object.assign(new Error('insert into "users" ("email") values (\'leaked@example.test\') - boom'), {
    code: "23505",
    severity: "ERROR",
    routine: "_bt_check_unique",
    detail: "Key (email)=(leaked@example.test) already exists.",
    table: "users",
    constraint: "users_email_unique",
  });
  return new DriverException(previous);
}

function capturedLogger() {
  const lines: string[] = [];
  return { lines, log: createLogger({ logLevel: "debug" }, { write: (line: string) => lines.push(line) }) };
}

describe("error logs", () => {
  it("log a database error by SQLSTATE and table, never its statement, values or detail", () => {
    const { lines, log } = capturedLogger();
    log.error({ err: new Error("wrapped", { cause: driverException() }) }, "failed");
    const entry = JSON.parse(lines.join(""));
    expect(entry.err.database).toEqual({ code: "23505", routine: "_bt_check_unique", table: "users", constraint: "users_email_unique" });
    expect(lines.join("")).not.toContain("leaked@example.test");
    expect(lines.join("")).not.toContain("insert into");
  });

  it("withhold the statement of a MikroORM error that wraps no PostgreSQL error, and of its subclasses", () => {
    const statement = 'select * from "users" where "email" = \'leaked@example.test\'';
    // As when the driver fails before PostgreSQL answers (a timeout, a dropped connection): no `routine`, no `severity`.
    for (const error of [new DriverException(new Error(statement)), new ConnectionException(new Error(statement))]) {
      const { lines, log } = capturedLogger();
      log.error({ err: error }, "failed");
      expect(JSON.parse(lines.join("")).err.message).toMatch(/statement and values withheld/);
      expect(lines.join("")).not.toContain("leaked@example.test");
    }
  });

  it("keep ordinary errors as pino logs them", () => {
    const { lines, log } = capturedLogger();
    log.error({ err: new Error("plain failure") }, "failed");
    expect(JSON.parse(lines.join("")).err).toMatchObject({ type: "Error", message: "plain failure" });
  });

  it("log a job that failed with a database error without graphile-worker's message, which quotes the statement", () => {
    const { lines, log } = capturedLogger();
    const error = driverException();
    workerLogFunction(log)("error", `Failed task 7 (fan_out) with error '${error.message}'`, {
      failure: true,
      job: { id: "7", task_identifier: "fan_out", payload: {} },
      error,
    });
    const entry = JSON.parse(lines.join(""));
    expect(entry.msg).toBe("job failed with a database error");
    expect(entry.meta).toMatchObject({ failure: true, jobId: "7", task: "fan_out" });
    expect(lines.join("")).not.toContain("leaked@example.test");
  });
});
