import { graphqlData, type UntypedData } from "./graphql-client";
import type { TestServer } from "./server";

/** The organisation's audit log as its auditors see it through GraphQL, newest first. */
export async function auditLog(server: TestServer, token: string, organizationId: string, filter: Record<string, unknown> = {}) {
  const data = await graphqlData(
    server,
    `query($id: ID!, $targetId: ID, $actorId: ID, $actions: [AuditAction!], $first: Int) {
       organization(id: $id) {
         auditLog(targetId: $targetId, actorId: $actorId, actions: $actions, first: $first) {
           totalCount
           nodes { action targetId reason metadata actor { email } ipAddress requestId occurredAt }
         }
       }
     }`,
    { id: organizationId, first: 100, ...filter },
    token,
  );
  return data.organization.auditLog as {
    totalCount: number;
    nodes: Array<{
      action: string;
      targetId: string;
      reason: string | null;
      metadata: UntypedData;
      actor: { email: string } | null;
      ipAddress: string | null;
      requestId: string | null;
      occurredAt: string;
    }>;
  };
}
