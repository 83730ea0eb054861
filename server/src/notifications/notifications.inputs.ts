import { Field, ID, InputType } from "type-graphql";
import { z } from "zod";
import { globalIdOf } from "../graphql/validate";
import { ValidatedBy } from "../graphql/validated-input";

export const markNotificationsReadSchema = z.object({
  ids: z.array(globalIdOf("Notification")).max(100).nullish(),
  all: z.boolean().nullish(),
});
export type MarkNotificationsRead = z.output<typeof markNotificationsReadSchema>;

@ValidatedBy(markNotificationsReadSchema)
@InputType({ description: "Which notifications to mark read: some by ID, or all." })
export class MarkNotificationsReadInput {
  @Field(() => [ID], { nullable: true })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  all?: boolean | null;
}
