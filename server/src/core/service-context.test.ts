import "reflect-metadata";
import type { EntityManager } from "@mikro-orm/postgresql";
import { describe, expect, it } from "vitest";
import type { Config } from "../config";
import { type AppServices, buildContext } from "../graphql/context";
import type { Logger } from "../observability/logger";
import { jobOrigin, serviceContext } from "./service-context";

/** Stands in for the process's entity manager: it only counts forks (nothing here touches the database). */
function countingEntityManager() {
  const forks: object[] = [];
  const em = {
    getContext: () => em,
    fork: () => {
      const fork = { forkNumber: forks.length + 1 };
      forks.push(fork);
      return fork;
    },
  };
  return { em: em as unknown as EntityManager, forks };
}

describe("service context", () => {
  it("forks nothing until the unit of work, the loaders or the authorizer is read", () => {
    const { em, forks } = countingEntityManager();
    const ctx = serviceContext(em, { origin: jobOrigin("test") });
    expect(ctx.actor).toBeNull();
    expect(ctx.origin.requestId).toBe("test");
    expect(forks).toHaveLength(0);
  });

  it("makes one fork on first use, shared by the unit of work, the loaders and the authorizer", () => {
    const { em, forks } = countingEntityManager();
    const ctx = serviceContext(em, { origin: jobOrigin("test") });
    const authz = ctx.authz;
    const loaders = ctx.loaders;
    expect(ctx.em).toBe(forks[0]);
    expect(ctx.em).toBe(ctx.em);
    expect(ctx.authz).toBe(authz);
    expect(ctx.loaders).toBe(loaders);
    expect(forks).toHaveLength(1);
  });

  it("keeps a GraphQL request's context as lazy: a query that reads no data makes no fork", () => {
    const { em, forks } = countingEntityManager();
    const services = { keyVerifier: { evict: () => undefined } } as unknown as AppServices;
    const ctx = buildContext({ em, actor: null, origin: jobOrigin("request"), config: {} as Config, log: {} as Logger, services });
    expect(ctx.services).toBe(services);
    expect(forks).toHaveLength(0);
    expect(ctx.em).toBe(forks[0]);
    expect(forks).toHaveLength(1);
  });

  it("stays lazy through the shallow copy Apollo Server makes of a request's context, and shares what it makes", () => {
    const { em, forks } = countingEntityManager();
    const ctx = serviceContext(em, { origin: jobOrigin("request") });
    // What Apollo Server's executeOperation does with the context value before resolvers see it.
    const copy: typeof ctx = Object.assign(Object.create(Object.getPrototypeOf(ctx)), ctx);
    expect(forks).toHaveLength(0);
    expect(copy.em).toBe(forks[0]);
    expect(ctx.em).toBe(copy.em);
    expect(ctx.loaders).toBe(copy.loaders);
    expect(forks).toHaveLength(1);
  });

  it("gives each context its own fork", () => {
    const { em, forks } = countingEntityManager();
    const first = serviceContext(em, { origin: jobOrigin("first") });
    const second = serviceContext(em, { origin: jobOrigin("second") });
    expect(first.em).not.toBe(second.em);
    expect(forks).toHaveLength(2);
  });
});
