import { randomBytes } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { hashPassword } from "../auth/password";
import type { Config } from "../config";
import { Membership } from "../members/membership.entity";
import { Location } from "../orgs/location.entity";
import { Organization } from "../orgs/organization.entity";
import { BuiltInRole } from "../roles/built-in-roles";
import { seedBuiltInRoles } from "../roles/roles.service";
import { User } from "../users/user.entity";

const DEMO_ORG = "Demo Motors";
const PEOPLE = [
  { role: BuiltInRole.OWNER, email: "owner@demo.latchkey.test", name: "Olivia Owner" },
  { role: BuiltInRole.ADMIN, email: "admin@demo.latchkey.test", name: "Adam Admin" },
  { role: BuiltInRole.DEVELOPER, email: "developer@demo.latchkey.test", name: "Dana Developer" },
  { role: BuiltInRole.VIEWER, email: "viewer@demo.latchkey.test", name: "Victor Viewer" },
];

/**
 * A demo organisation with a location and one user per built-in role. Fresh passwords are set on
 * every run (they are never stored in plaintext, so they cannot be shown again) and printed.
 */
export async function seedDemo(em: EntityManager, _config: Config): Promise<string[]> {
  const credentials = PEOPLE.map((person) => ({ ...person, password: randomBytes(12).toString("base64url") }));
  const people = await Promise.all(credentials.map(async (person) => ({ ...person, passwordHash: await hashPassword(person.password) })));
  await em.transactional(async (tx) => {
    let organization = await tx.findOne(Organization, { name: DEMO_ORG });
    const fresh = !organization;
    organization ??= tx.create(Organization, { name: DEMO_ORG, createdAt: new Date() });
    const roles = fresh ? seedBuiltInRoles(tx, organization) : null;
    if (fresh) tx.create(Location, { organization, name: "Downtown showroom", address: "1 Main Street", createdAt: new Date() });
    for (const { email, name, role, passwordHash } of people) {
      let user = await tx.findOne(User, { email });
      if (user) user.passwordHash = passwordHash;
      else user = tx.create(User, { email, name, passwordHash, createdAt: new Date() });
      if (!roles) continue;
      const builtIn = roles.get(role);
      if (!builtIn) throw new Error(`The built-in role ${role} was not seeded.`);
      tx.create(Membership, { user, organization, role: builtIn, createdAt: new Date() });
    }
  });
  return [
    `Demo organisation "${DEMO_ORG}" with the location "Downtown showroom". Sign in as:`,
    ...credentials.map((person) => `  ${person.role.padEnd(9)} ${person.email}  password: ${person.password}`),
  ];
}
