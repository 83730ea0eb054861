import { describe, expect, it } from "vitest";
import { FailureCode, failureFromUserErrors } from "../failures";
import { graphqlWsUrl, request } from "./client";
import { Viewer } from "./operations";

const connection = { serverUrl: "https://latchkey.example.com", credential: "token" };
const answering = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;

describe("GraphQL requests and the failures users see", () => {
  it("sends the credential as a bearer token to /graphql", async () => {
    let sent: { url: string; authorization: string | null } | undefined;
    const fetchImpl = (async (url: string, init: RequestInit) => {
      sent = { url, authorization: new Headers(init.headers).get("authorization") };
      return new Response(JSON.stringify({ data: { viewer: { id: "u1" } } }));
    }) as typeof fetch;
    await request(connection, Viewer, {}, fetchImpl);
    expect(sent).toEqual({ url: "https://latchkey.example.com/graphql", authorization: "Bearer token" });
    expect(graphqlWsUrl("https://latchkey.example.com")).toBe("wss://latchkey.example.com/graphql");
  });

  it("reports an unreachable server", async () => {
    const refusing = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    await expect(request(connection, Viewer, {}, refusing)).rejects.toMatchObject({ code: FailureCode.SERVER_UNREACHABLE });
    await expect(
      request(connection, Viewer, {}, (async () => new Response("<html>", { status: 502 })) as typeof fetch),
    ).rejects.toMatchObject({
      code: FailureCode.SERVER_UNREACHABLE,
    });
  });

  it("reports an expired or revoked session", async () => {
    await expect(request(connection, Viewer, {}, answering(401, { errors: [{ message: "no" }] }))).rejects.toMatchObject({
      code: FailureCode.SESSION_EXPIRED,
    });
    await expect(
      request(connection, Viewer, {}, answering(200, { errors: [{ message: "no", extensions: { code: "UNAUTHENTICATED" } }] })),
    ).rejects.toMatchObject({ code: FailureCode.SESSION_EXPIRED });
  });

  it("reports permission denied, revoked keys and reveals refused by policy from the server's answers", async () => {
    await expect(
      request(connection, Viewer, {}, answering(200, { errors: [{ message: "no", extensions: { code: "FORBIDDEN" } }] })),
    ).rejects.toMatchObject({ code: FailureCode.PERMISSION_DENIED });
    expect(failureFromUserErrors([{ code: "FORBIDDEN", message: "Revealing another member's key needs `keys:reveal`." }])).toMatchObject({
      code: FailureCode.PERMISSION_DENIED,
    });
    expect(failureFromUserErrors([{ code: "KEY_REVOKED", message: "This key is revoked; create a new one instead." }]).code).toBe(
      FailureCode.KEY_REVOKED,
    );
    expect(failureFromUserErrors([{ code: "KEY_EXPIRED", message: "This key is expired; create a new one instead." }]).code).toBe(
      FailureCode.KEY_EXPIRED,
    );
    expect(failureFromUserErrors([{ code: "REVEAL_NOT_ALLOWED", message: "This secret was shown once." }])).toMatchObject({
      code: FailureCode.REVEAL_NOT_ALLOWED,
      message: "This secret was shown once.",
    });
  });
});
