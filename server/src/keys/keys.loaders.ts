import type { EntityManager } from "@mikro-orm/postgresql";
import { byIdLoader } from "../graphql/by-id-loader";
import { ApiKey } from "./api-key.entity";

export function keyLoaders(em: () => EntityManager) {
  return { byId: byIdLoader(em, ApiKey) };
}
