import {
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLField,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./connection";
import { OperationLimitCode, OperationLimitError } from "./operation-limit-error";

/**
 * The field extension that declares a plain list's longest length (`@Extensions(listMaximum(n))`).
 * The cost rule multiplies by it, and the resolver enforces it, so the worst case is the real case.
 */
export const MAX_ITEMS_EXTENSION = "maxItems";

export function listMaximum(maxItems: number): Record<string, number> {
  return { [MAX_ITEMS_EXTENSION]: maxItems };
}

export interface CostLimits {
  /** Largest worst-case cost an operation may have. */
  maxCost: number;
  /** Most aliased fields an operation may hold, counting a fragment once per use. */
  maxAliases: number;
  /** Most fields the cost walk visits before giving up: guards against fragments that expand exponentially. */
  maxFieldsVisited: number;
  /** Whether the operation was already refused by an earlier rule, so one refusal says enough. */
  alreadyRefused?: (context: ValidationContext) => boolean;
}

type AnyField = GraphQLField<unknown, unknown>;

/** Names the list fields of a Relay connection, whose length is the connection's page size. */
const CONNECTION_LIST_FIELDS = new Set(["nodes", "edges"]);

/**
 * Worst-case cost, before anything runs: every object the
 * response can hold costs 1 (scalars are free), and a list multiplies what it holds by the most
 * items it can return. A connection holds `first` items (20 when absent, 100 when a variable sets
 * it, since its value is not known while validating); a plain list holds its declared maximum;
 * `nodes(ids:)` holds as many as the IDs given. Each alias is counted as a field of its own.
 */
class OperationCost {
  private fieldsVisited = 0;
  private aliases = 0;

  constructor(
    private readonly context: ValidationContext,
    private readonly limits: CostLimits,
  ) {}

  /** Returns the cost, or throws `OperationLimitError` as soon as a limit is passed. */
  costOf(selectionSet: SelectionSetNode, type: GraphQLCompositeType, pageSize: number, activeFragments: Set<string>): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += this.fieldCost(selection, type, pageSize, activeFragments);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? this.context.getSchema().getType(selection.typeCondition.name.value) : type;
        if (isCompositeType(condition)) cost += this.costOf(selection.selectionSet, condition, pageSize, activeFragments);
      } else {
        const name = selection.name.value;
        // A cycle is refused by NoFragmentCyclesRule; here it must only not recurse for ever.
        const fragment: FragmentDefinitionNode | null | undefined = this.context.getFragment(name);
        if (!fragment || activeFragments.has(name)) continue;
        const condition = this.context.getSchema().getType(fragment.typeCondition.name.value);
        if (!isCompositeType(condition)) continue;
        activeFragments.add(name);
        cost += this.costOf(fragment.selectionSet, condition, pageSize, activeFragments);
        activeFragments.delete(name);
      }
    }
    return cost;
  }

  private fieldCost(node: FieldNode, parentType: GraphQLCompositeType, pageSize: number, activeFragments: Set<string>): number {
    if (++this.fieldsVisited > this.limits.maxFieldsVisited) {
      throw new OperationLimitError(
        OperationLimitCode.QUERY_TOO_COMPLEX,
        `The operation has more than ${this.limits.maxFieldsVisited} fields once its fragments are expanded.`,
      );
    }
    if (node.alias && ++this.aliases > this.limits.maxAliases) {
      throw new OperationLimitError(
        OperationLimitCode.QUERY_TOO_COMPLEX,
        `The operation uses more than ${this.limits.maxAliases} aliases.`,
      );
    }
    const field = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[node.name.value] : undefined;
    // Unknown fields and leaves (scalars, enums, __typename) cost nothing; FieldsOnCorrectTypeRule reports the unknown.
    if (!field || isLeafType(getNamedType(field.type)) || !node.selectionSet) return 0;
    const itemType = getNamedType(field.type) as GraphQLCompositeType;
    const items = isListType(getNullableType(field.type)) ? this.listLength(field, node, parentType, pageSize) : 1;
    const childPageSize = this.pageSizeOf(field, node);
    return items * (1 + this.costOf(node.selectionSet, itemType, childPageSize, activeFragments));
  }

  /** The most items a list field can return. */
  private listLength(field: AnyField, node: FieldNode, parentType: GraphQLCompositeType, pageSize: number): number {
    const declared = field.extensions?.[MAX_ITEMS_EXTENSION];
    if (typeof declared === "number") return declared;
    if (CONNECTION_LIST_FIELDS.has(field.name) && parentType.name.endsWith("Connection")) return pageSize;
    const ids = node.arguments?.find((argument) => argument.name.value === "ids")?.value;
    if (ids?.kind === Kind.LIST) return ids.values.length;
    // Undeclared lists (and `ids` from a variable) count as a full page; a test keeps every plain list declared.
    return MAX_PAGE_SIZE;
  }

  /** The page size a connection field asks for; what its `nodes` and `edges` hold. */
  private pageSizeOf(field: AnyField, node: FieldNode): number {
    if (!field.args.some((argument) => argument.name === "first")) return MAX_PAGE_SIZE;
    const first = node.arguments?.find((argument) => argument.name.value === "first")?.value;
    if (!first) return DEFAULT_PAGE_SIZE;
    if (first.kind === Kind.INT) return Math.max(0, Number.parseInt(first.value, 10));
    // A variable's value is not known while validating: count the largest page it may ask for.
    return MAX_PAGE_SIZE;
  }
}

/** Exact below a quadrillion; beyond that the number says nothing more. */
function describeCost(cost: number): string {
  return cost < 1e15 ? String(cost) : "over 10^15";
}

/**
 * A validation rule that refuses an operation whose worst-case cost exceeds the budget, with a
 * message that says both numbers (the budget is documented; hiding it would only hurt honest clients).
 */
export function operationCostRule(limits: CostLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const rootType = context.getSchema().getRootType(operation.operation);
      if (!rootType || limits.alreadyRefused?.(context)) return;
      try {
        const cost = new OperationCost(context, limits).costOf(operation.selectionSet, rootType, MAX_PAGE_SIZE, new Set());
        if (cost > limits.maxCost) {
          context.reportError(
            new OperationLimitError(
              OperationLimitCode.QUERY_TOO_COMPLEX,
              `Query cost ${describeCost(cost)} exceeds the maximum of ${limits.maxCost}: ask for fewer items (\`first\`) or fewer nested lists. Every object in the response costs 1, and a list multiplies by its page size or documented maximum.`,
            ),
          );
        }
      } catch (error) {
        if (error instanceof GraphQLError) return context.reportError(error);
        throw error;
      }
    },
  });
}
