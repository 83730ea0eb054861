import type { ResultOf } from "../graphql/tada";
import type { OrganizationMembers } from "./operations";

type Organization = NonNullable<ResultOf<typeof OrganizationMembers>["organization"]>;
export type Member = Organization["members"]["nodes"][number];
export type MemberRole = Organization["roles"]["nodes"][number];
