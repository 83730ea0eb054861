import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { FailureCode, LatchkeyFailure } from "../failures";
import { credentialItem, serverUrlItem } from "../storage";
import { isCredentialRefused, type KeyEventHandlers } from "./key-events";
import { createExpiryWatch, type ExpiryWatchDependencies } from "./watch";

/** Stands in for the server and its sockets: counts the sockets still open, and can refuse them. */
function fakeServer(count = 2) {
  const sockets: { credential: string; open: boolean; handlers: KeyEventHandlers }[] = [];
  let sessionValid = true;
  let organizationsReachable = true;
  const dependencies: ExpiryWatchDependencies = {
    countExpiringKeys: async () => {
      if (!sessionValid) throw new LatchkeyFailure(FailureCode.SESSION_EXPIRED);
      return count;
    },
    // A moment's wait, as the server takes, so that two starts overlap.
    organizationIds: () =>
      new Promise((resolve, reject) =>
        setTimeout(() => (organizationsReachable ? resolve(["org-1"]) : reject(new Error("network down"))), 5),
      ),
    fetchMissedWarnings: async () => ({ warnings: [], endCursor: null, hasNextPage: false }),
    subscribe: (connection, _ids, handlers) => {
      const socket = { credential: connection.credential, open: true, handlers };
      sockets.push(socket);
      return {
        dispose: () => {
          socket.open = false;
        },
      };
    },
  };
  return {
    dependencies,
    open: () => sockets.filter((socket) => socket.open),
    expireSession: () => {
      sessionValid = false;
    },
    setOrganizationsReachable: (reachable: boolean) => {
      organizationsReachable = reachable;
    },
  };
}

const signIn = (secret: string) =>
  Promise.all([
    serverUrlItem.setValue("https://latchkey.example.com"),
    credentialItem.setValue({ kind: "session", secret, email: "claire@example.test" }),
  ]);

describe("the expiry watch's socket", () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it("keeps one socket, with the newest credential, however the starts overlap", async () => {
    const server = fakeServer();
    const watch = createExpiryWatch(server.dependencies);
    await signIn("token-1");
    const first = watch.start();
    await signIn("token-2");
    await Promise.all([first, watch.start(), watch.start()]);
    expect(server.open().map((socket) => socket.credential)).toEqual(["token-2"]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe("2");
  });

  it("closes the socket on sign-out, even when sign-out overtakes a start", async () => {
    const server = fakeServer();
    const watch = createExpiryWatch(server.dependencies);
    await signIn("token-1");
    const starting = watch.start();
    await credentialItem.removeValue();
    await Promise.all([starting, watch.start()]);
    expect(server.open()).toEqual([]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe("");
  });

  it("shows the signed-out state when the server refuses the credential, and stays closed", async () => {
    const server = fakeServer();
    const watch = createExpiryWatch(server.dependencies);
    await signIn("token-1");
    await watch.start();
    const [socket] = server.open();
    socket?.handlers.refused();
    await expect.poll(() => fakeBrowser.action.getBadgeText({})).toBe("!");
    expect(await fakeBrowser.action.getTitle({})).toBe("Sign in to Latchkey again");
    expect(server.open()).toEqual([]);
  });

  it("shows the signed-out state when the count is refused for an expired session", async () => {
    const server = fakeServer();
    const watch = createExpiryWatch(server.dependencies);
    await signIn("token-1");
    server.expireSession();
    await watch.start();
    expect(await fakeBrowser.action.getBadgeText({})).toBe("!");
    expect(server.open()).toEqual([]);
  });

  it("reopens the socket from the hourly refresh when a start could not open one", async () => {
    const server = fakeServer();
    const watch = createExpiryWatch(server.dependencies);
    await signIn("token-1");
    server.setOrganizationsReachable(false);
    await watch.start();
    expect(server.open()).toEqual([]);
    server.setOrganizationsReachable(true);
    await watch.refresh();
    expect(server.open().map((socket) => socket.credential)).toEqual(["token-1"]);
    await watch.refresh();
    expect(server.open()).toHaveLength(1);
  });

  it("does not retry a socket the server closed for a refused credential (4401, 4403), but does after network failures", () => {
    expect(isCredentialRefused({ code: 4403, reason: "Forbidden" })).toBe(true);
    expect(isCredentialRefused({ code: 4401, reason: "Unauthorized" })).toBe(true);
    expect(isCredentialRefused({ code: 1006, reason: "" })).toBe(false);
    expect(isCredentialRefused(new Error("network down"))).toBe(false);
  });
});
