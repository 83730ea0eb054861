import type { MigrationObject } from "@mikro-orm/core";
import { Migration20261123000000Foundation } from "./Migration20261123000000Foundation";
import { Migration20261123010000ApiKeys } from "./Migration20261123010000ApiKeys";
import { Migration20261123020000KeyExpiry } from "./Migration20261123020000KeyExpiry";
import { Migration20261123030000Notifications } from "./Migration20261123030000Notifications";
import { Migration20261123040000Webhooks } from "./Migration20261123040000Webhooks";
import { Migration20261123050000KeySecretsCurrent } from "./Migration20261123050000KeySecretsCurrent";
import { Migration20261123060000WebhookRescue } from "./Migration20261123060000WebhookRescue";
import { Migration20261123070000WebhookRequestHeaders } from "./Migration20261123070000WebhookRequestHeaders";
import { Migration20261203010000AgreementText } from "./Migration20261203010000AgreementText";
import { Migration20261203020000ExternalIds } from "./Migration20261203020000ExternalIds";
import { Migration20261203030000PlatformKeys } from "./Migration20261203030000PlatformKeys";
import { Migration20261203040000WebhookFanOutBatches } from "./Migration20261203040000WebhookFanOutBatches";
import { Migration20261203050000JobWorkerBeats } from "./Migration20261203050000JobWorkerBeats";
import { Migration20261203060000WorkerBeatLeases } from "./Migration20261203060000WorkerBeatLeases";

/** Committed migrations in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS: MigrationObject[] = [
  { name: "Migration20261123000000Foundation", class: Migration20261123000000Foundation },
  { name: "Migration20261123010000ApiKeys", class: Migration20261123010000ApiKeys },
  { name: "Migration20261123020000KeyExpiry", class: Migration20261123020000KeyExpiry },
  { name: "Migration20261123030000Notifications", class: Migration20261123030000Notifications },
  { name: "Migration20261123040000Webhooks", class: Migration20261123040000Webhooks },
  { name: "Migration20261123050000KeySecretsCurrent", class: Migration20261123050000KeySecretsCurrent },
  { name: "Migration20261123060000WebhookRescue", class: Migration20261123060000WebhookRescue },
  { name: "Migration20261123070000WebhookRequestHeaders", class: Migration20261123070000WebhookRequestHeaders },
  { name: "Migration20261203010000AgreementText", class: Migration20261203010000AgreementText },
  { name: "Migration20261203020000ExternalIds", class: Migration20261203020000ExternalIds },
  { name: "Migration20261203030000PlatformKeys", class: Migration20261203030000PlatformKeys },
  { name: "Migration20261203040000WebhookFanOutBatches", class: Migration20261203040000WebhookFanOutBatches },
  { name: "Migration20261203050000JobWorkerBeats", class: Migration20261203050000JobWorkerBeats },
  { name: "Migration20261203060000WorkerBeatLeases", class: Migration20261203060000WorkerBeatLeases },
];
