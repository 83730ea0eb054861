import type { EntityManager } from "@mikro-orm/postgresql";
import { byIdLoader } from "../graphql/by-id-loader";
import { User } from "./user.entity";

export function userLoaders(em: () => EntityManager) {
  return { byId: byIdLoader(em, User) };
}
