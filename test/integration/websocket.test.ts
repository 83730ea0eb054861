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
});
