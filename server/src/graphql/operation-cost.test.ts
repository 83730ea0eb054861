import "reflect-metadata";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  type GraphQLError,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { operationLimits, parseOptions } from "./limits";
import { MAX_ITEMS_EXTENSION } from "./operation-cost";
import { latchkeySchema } from "./schema";

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await latchkeySchema();
});

/** Validates a document as the server does, with the default limits. */
function refusals(source: string, env: Record<string, string> = {}): readonly GraphQLError[] {
  const config = loadConfig(env, { dotenv: false });
  return validate(schema, parse(source, parseOptions), [...specifiedRules, ...operationLimits(config)]);
}

/** Operations read from a client's source files, each with the fragments it spreads, directly or through another fragment. */
function operationsIn(files: string[]): string[] {
  const source = files.map((file) => readFileSync(file, "utf8")).join("\n");
  const documents = [...source.matchAll(/graphql\(\s*`([^`]*)`/g)].map((match) => match[1] ?? "");
  const fragments = new Map(
    documents
      .filter((document) => document.trim().startsWith("fragment"))
      .map((fragment) => [fragment.trim().split(/\s+/)[1] ?? "", fragment]),
  );
  const withFragments = (document: string, included = new Set<string>()): string[] =>
    [...document.matchAll(/\.\.\.(\w+)/g)].flatMap(([, name = ""]) => {
      const fragment = fragments.get(name);
      if (!fragment || included.has(name)) return [];
      included.add(name);
      return [fragment, ...withFragments(fragment, included)];
    });
  return documents
    .filter((document) => !document.trim().startsWith("fragment"))
    .map((document) => [document, ...withFragments(document)].join("\n"));
}

const extensionOperations = () => operationsIn([path.resolve(__dirname, "../../../extension/lib/graphql/operations.ts")]);

/** Every operation the elements and the console send: each folder's `operations.ts`. */
function elementOperations(): string[] {
  const root = path.resolve(__dirname, "../../elements/src");
  const files = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(root, entry.name, "operations.ts"))
    .filter((file) => existsSync(file));
  return operationsIn(files);
}

const NESTED_MEMBERSHIPS =
  "{ viewer { memberships { user { memberships { user { memberships { user { memberships { user { memberships { user { id } } } } } } } } } } } }";

describe("the worst-case cost of an operation", () => {
  it("multiplies plain lists by their documented maximum, so the nested memberships query is refused before it runs", () => {
    const [refusal] = refusals(NESTED_MEMBERSHIPS);
    expect(refusal?.extensions.code).toBe("QUERY_TOO_COMPLEX");
    expect(refusal?.message).toMatch(/^Query cost \d+ exceeds the maximum of 20000/);
  });

  it("multiplies connections by `first`, by 20 without it, and by 100 when a variable sets it", () => {
    const cost = (source: string) => Number(/Query cost (\d+)/.exec(refusals(source)[0]?.message ?? "")?.[1] ?? 0);
    // viewer (1) × memberships (100) × organization (1) × locations (1 + n × node): over 20,000 only when n × 2 + 3 > 200.
    const locations = (args: string) =>
      `query${args.includes("$n") ? "($n: Int)" : ""} { viewer { memberships { organization { locations${args} { nodes { id } edges { node { id } } } } } } }`;
    expect(refusals(locations("(first: 50)"))).toEqual([]);
    expect(cost(locations("(first: 100)"))).toBe(1 + 100 * (1 + 1 + 1 + 100 * (1 + 2)));
    expect(refusals(locations(""))).toEqual([]);
    expect(cost(locations("(first: $n)"))).toBe(1 + 100 * (1 + 1 + 1 + 100 * (1 + 2)));
  });

  it("counts every alias, and refuses more than 50 of them", () => {
    const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: viewer { id }`).join(" ")} }`;
    expect(refusals(aliases(50))).toEqual([]);
    const [refusal] = refusals(aliases(51));
    expect(refusal?.extensions.code).toBe("QUERY_TOO_COMPLEX");
    expect(refusal?.message).toBe("The operation uses more than 50 aliases.");
  });

  it("does not recurse for ever through a fragment cycle (NoFragmentCyclesRule refuses it)", () => {
    const messages = refusals(
      "{ viewer { ...A } } fragment A on User { memberships { user { ...B } } } fragment B on User { memberships { user { ...A } } }",
    ).map((error) => error.message);
    expect(messages).toContain('Cannot spread fragment "A" within itself via "B".');
  });

  it("refuses fragments that expand exponentially without walking them all", () => {
    // Five levels (within the depth limit), each spreading the next eight times: 8^5 = 32,768 fields.
    const levels = Array.from({ length: 5 }, (_, index) => `fragment F${index} on User { id ${`...F${index + 1} `.repeat(8)}}`);
    const [refusal] = refusals(`{ viewer { ...F0 } } ${levels.join(" ")} fragment F5 on User { id }`);
    expect(refusal?.message).toBe("The operation has more than 10000 fields once its fragments are expanded.");
  });

  it("lets every operation the extension sends through with room to spare", () => {
    const operations = extensionOperations();
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const operation of operations) expect(refusals(operation), operation).toEqual([]);
    // The README quotes the largest one's cost: read it from a refusal under a budget of 1.
    const viewer = operations.find((operation) => operation.includes("query Viewer")) ?? "";
    expect(refusals(viewer, { GRAPHQL_MAX_COST: "1" })[0]?.message).toMatch(/^Query cost 10501 exceeds the maximum of 1:/);
  });

  it("lets every operation the elements and the console send through", () => {
    const operations = elementOperations();
    expect(operations.length).toBeGreaterThanOrEqual(30);
    for (const operation of operations) expect(refusals(operation), operation).toEqual([]);
  });

  it("has a documented maximum for every plain list of objects in the schema", () => {
    const undeclared: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__") || type.name.endsWith("Connection")) continue;
      for (const field of Object.values(type.getFields())) {
        const listOfObjects = isListType(getNullableType(field.type)) && isCompositeType(getNamedType(field.type));
        // `nodes(ids:)` is as long as the IDs asked for, at most 100 (checked by its resolver).
        const sizedByArgument = field.args.some((argument) => argument.name === "ids");
        if (listOfObjects && !sizedByArgument && typeof field.extensions[MAX_ITEMS_EXTENSION] !== "number") {
          undeclared.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });
});
