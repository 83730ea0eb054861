import {
  type FieldNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { Extensions } from "type-graphql";

/** The field extension that marks a mutation minting or handing out a credential. */
const CHANGES_CREDENTIALS = "changesCredentials";

/**
 * Marks a mutation that mints or hands out a credential (a session, a key secret, a signing secret).
 * At most one such mutation may run per request: otherwise one request with a hundred aliased
 * `signUp`s creates a hundred accounts, past every per-request check.
 */
export function ChangesCredentials() {
  return Extensions({ [CHANGES_CREDENTIALS]: true });
}

/** The root fields an operation selects, through inline fragments and fragment spreads. */
function rootFields(context: ValidationContext, selectionSet: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(context, selection.selectionSet, seen);
    if (seen.has(selection.name.value)) return [];
    seen.add(selection.name.value);
    const fragment = context.getFragment(selection.name.value);
    return fragment ? rootFields(context, fragment.selectionSet, seen) : [];
  });
}

/**
 * Refuses, before anything runs, a mutation operation that selects more than one credential-changing
 * field (aliases and fragments included; `@skip`/`@include` are not trusted to leave one out).
 */
export const oneCredentialMutationPerOperation: ValidationRule = (context) => ({
  OperationDefinition(operation: OperationDefinitionNode) {
    if (operation.operation !== "mutation") return;
    const fields = context.getSchema().getMutationType()?.getFields() ?? {};
    const changing = rootFields(context, operation.selectionSet).filter(
      (field) => fields[field.name.value]?.extensions?.[CHANGES_CREDENTIALS] === true,
    );
    if (changing.length <= 1) return;
    const names = [...new Set(changing.map((field) => field.name.value))].join(", ");
    context.reportError(
      new GraphQLError(
        `Send at most one credential-changing mutation per request (signing up or in, creating, rotating or revealing a key or signing secret); this one has ${changing.length} (${names}).`,
        { nodes: changing },
      ),
    );
  },
});
