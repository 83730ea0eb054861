import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "../support/graphql-client";
import { startTestServer, type TestServer } from "../support/server";
import { wsClient, wsExecute } from "../support/ws-client";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("GraphQL over WebSocket (graphql-ws), on the HTTP port and path", () => {
  it("authenticates with the session token in connection_init", async () => {
    const person = await signUp(server, "Socket User");
    const client = wsClient(server, `Bearer ${person.token}`);
    try {
      const result = await wsExecute(client, `{ viewer { email } }`);
      expect(result).toEqual({ data: { viewer: { email: person.email } } });
    } finally {
      await client.dispose();
    }
  });

  it("closes the socket with 4403 Forbidden and a clear reason for a bad token", async () => {
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      const client = wsClient(server, "Bearer lk_session_not-a-real-token-000000000000000000000000", resolve);
      wsExecute(client, `{ viewer { email } }`).catch(() => undefined);
    });
    expect(await closed).toEqual({ code: 4403, reason: "Forbidden: the credential is invalid, expired or revoked" });
  });

  it("treats a socket without credentials as anonymous", async () => {
    const client = wsClient(server);
    try {
      const result = await wsExecute(client, `{ viewer { email } }`);
      expect(result.errors?.[0]).toMatchObject({ extensions: { code: "UNAUTHENTICATED" } });
    } finally {
      await client.dispose();
    }
  });

  it("applies the same depth limit as HTTP", async () => {
    const person = await signUp(server, "Deep Diver");
    const client = wsClient(server, `Bearer ${person.token}`);
    const deep = `{ viewer { memberships { organization { members { nodes { user { memberships { organization { members { nodes { user { memberships { organization { name } } } } } } } } } } } } } }`;
    try {
      await expect(wsExecute(client, deep)).rejects.toEqual([
        expect.objectContaining({ message: expect.stringContaining("nested too deeply") }),
      ]);
    } finally {
      await client.dispose();
    }
  });

  it("refuses by the same cost and size limits as HTTP with an error for the operation, keeping the socket open", async () => {
    const person = await signUp(server, "Socket Spender");
    let closed: { code: number } | null = null;
    const client = wsClient(server, `Bearer ${person.token}`, (event) => (closed = event));
    const nested = `{ viewer { memberships { user { memberships { user { memberships { user { memberships { user { id } } } } } } } } } }`;
    try {
      await expect(wsExecute(client, nested)).rejects.toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^Query cost \d+ exceeds the maximum of 20000/),
          extensions: { code: "QUERY_TOO_COMPLEX" },
        }),
      ]);
      await expect(wsExecute(client, `{ viewer { ${"id ".repeat(6000)} } }`)).rejects.toEqual([
        expect.objectContaining({
          message: "The operation is longer than the maximum of 5000 tokens.",
          extensions: { code: "QUERY_TOO_COMPLEX" },
        }),
      ]);
      expect((await wsExecute(client, `{ viewer { email } }`)).data).toEqual({ viewer: { email: person.email } });
      expect(closed).toBeNull();
    } finally {
      await client.dispose();
    }
  });
});
