import { getMetadataStorage } from "type-graphql";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { latchkeySchema } from "./schema";
import { validationSchemaOf } from "./validated-input";

/** The object shape under refinements, defaults and transforms. */
function objectShape(schema: z.ZodTypeAny): Record<string, z.ZodTypeAny> | null {
  if (schema instanceof z.ZodObject) return schema.shape;
  if (schema instanceof z.ZodEffects) return objectShape(schema.innerType());
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable)
    return objectShape(schema._def.innerType);
  if (schema instanceof z.ZodPipeline) return objectShape(schema._def.in);
  return null;
}

/** Inputs still validated inside their services; being moved to `@ValidatedBy` (issue 11). Must end empty. */
const NOT_YET_PAIRED = new Set([
  "SignUpInput",
  "SignInInput",
  "KeyContactInput",
  "CreateKeyInput",
  "UpdateKeyInput",
  "AcceptApiAgreementInput",
  "AddMemberInput",
  "ChangeMemberRoleInput",
  "RemoveMemberInput",
  "MarkNotificationsReadInput",
  "CreateOrganizationInput",
  "OrganizationSettingsInput",
  "UpdateOrganizationInput",
  "DeleteOrganizationInput",
  "CreateLocationInput",
  "UpdateLocationInput",
  "DeleteLocationInput",
  "CreateRoleInput",
  "UpdateRoleInput",
  "DeleteRoleInput",
  "CreateWebhookEndpointInput",
  "UpdateWebhookEndpointInput",
  "WebhookEndpointIdInput",
  "RedeliverWebhookMessageInput",
  "RecoverWebhookMessagesInput",
]);

describe("every GraphQL input type and its validation agree", async () => {
  await latchkeySchema();
  const storage = getMetadataStorage();

  it.each(storage.inputTypes.filter((input) => !NOT_YET_PAIRED.has(input.name)).map((input) => [input.name, input] as const))("%s", (_name, input) => {
    const schema = validationSchemaOf(input.target as never);
    expect(schema, `${input.name} has no @ValidatedBy schema`).toBeDefined();
    const shape = objectShape(schema as z.ZodTypeAny);
    expect(shape, `${input.name}'s schema is not an object`).not.toBeNull();
    const graphqlFields = Object.fromEntries(
      storage.fields
        .filter((field) => field.target === input.target)
        .map((field) => [field.name, !!field.typeOptions.nullable || field.typeOptions.defaultValue !== undefined]),
    );
    const zodFields = Object.fromEntries(Object.entries(shape ?? {}).map(([name, field]) => [name, field.isOptional()]));
    // Same fields, and a field GraphQL lets a client leave out is one the validation lets them leave out.
    expect(zodFields).toEqual(graphqlFields);
  });
});
