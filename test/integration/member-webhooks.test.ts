import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { type Receiver, startReceiver } from "../support/webhook-receiver";
import { createEndpoint, WEBHOOK_TEST_ENV } from "../support/webhooks";

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  server = await startTestServer(WEBHOOK_TEST_ENV);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

describe("membership webhooks", () => {
  it("announce a member added, given another role and removed, naming membership, organisation and user by the API's IDs", async () => {
    const team = await keyTeam(server, "Member Motors");
    const created = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/members"),
      eventTypes: ["member.added", "member.role_changed", "member.removed"],
    });
    expect(created.userErrors).toEqual([]);
    const member = await team.addMember("Webhook Developer", "Developer");
    await graphqlData(
      server,
      `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { userErrors { code } } }`,
      { input: { membershipId: member.membershipId, roleId: team.organization.roles.Viewer } },
      team.owner.token,
    );
    await graphqlData(
      server,
      `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { userErrors { code } } }`,
      { input: { membershipId: member.membershipId } },
      team.owner.token,
    );

    const requests = await receiver.waitFor(3, (request) => request.path === "/members");
    const ids = { membershipId: member.membershipId, organizationId: team.organization.id, userId: member.userId };
    // Each event is its own delivery, so they may arrive in any order.
    const bodies = requests.map((request) => JSON.parse(request.body));
    expect(Object.fromEntries(bodies.map((body) => [body.type, body.data]))).toEqual({
      "member.added": { ...ids, role: "Developer" },
      "member.role_changed": { ...ids, role: "Viewer" },
      "member.removed": { ...ids, leftThemselves: false },
    });
  });
});
