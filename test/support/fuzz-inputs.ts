import {
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLNamedInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
} from "graphql";
import { toGlobalId } from "../../server/src/graphql/global-id";

/** mulberry32: a tiny seeded PRNG, so a fuzz run is repeated exactly from its seed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, pick, chance: (probability: number) => next() < probability };
}
export type Random = ReturnType<typeof seededRandom>;

/** Real objects of the fuzzing Owner's organisation, and one of another tenant, for IDs. */
export interface FuzzWorld {
  organizationId: string;
  locationId: string;
  roleId: string;
  customRoleId: string;
  memberMembershipId: string;
  memberUserId: string;
  keyId: string;
  endpointId: string;
  foreignOrganizationId: string;
  foreignLocationId: string;
}

/** The real ID a field of an input type most plausibly wants, so a case gets past the other fields. */
function plausibleId(world: FuzzWorld, fieldName: string, inputTypeName: string): string {
  const byField: Record<string, string> = {
    organizationId: world.organizationId,
    locationId: world.locationId,
    roleId: world.roleId,
    membershipId: world.memberMembershipId,
    mappedUserId: world.memberUserId,
  };
  if (byField[fieldName]) return byField[fieldName];
  if (/Key/.test(inputTypeName)) return world.keyId;
  if (/Location/.test(inputTypeName)) return world.locationId;
  if (/Role/.test(inputTypeName)) return world.customRoleId;
  if (/Webhook/.test(inputTypeName)) return world.endpointId;
  return world.organizationId;
}

function plausibleString(fieldName: string, random: Random): string {
  const byField: Record<string, string> = {
    email: `fuzz.${Math.floor(random.next() * 1e9)}@example.test`,
    password: "fuzzing password long enough",
    url: "http://127.0.0.1:9/fuzz",
    allowedCidrs: "10.0.0.0/8",
    eventTypes: "key.*",
    phone: "+44 20 7946 0000",
    reason: "fuzzing",
  };
  return byField[fieldName] ?? `Fuzz ${fieldName} ${Math.floor(random.next() * 1e6)}`;
}

function plausibleScalar(named: GraphQLNamedInputType, fieldName: string, inputTypeName: string, world: FuzzWorld, random: Random) {
  if (isEnumType(named)) return random.pick(named.getValues()).name;
  switch (named.name) {
    case "ID":
      return plausibleId(world, fieldName, inputTypeName);
    case "Int":
      return random.pick([1, 7, 30]);
    case "Float":
      return 1.5;
    case "Boolean":
      return random.chance(0.5);
    case "DateTimeISO":
      return new Date(Date.now() + 30 * 86_400_000).toISOString();
    default:
      return plausibleString(fieldName, random);
  }
}

/** A valid-looking value of a type: required fields always, optional ones half the time. */
export function plausibleValue(
  type: GraphQLInputType,
  fieldName: string,
  inputTypeName: string,
  world: FuzzWorld,
  random: Random,
): unknown {
  if (isNonNullType(type)) return plausibleValue(type.ofType, fieldName, inputTypeName, world, random);
  if (isListType(type)) return [plausibleValue(type.ofType, fieldName, inputTypeName, world, random)];
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) || random.chance(0.5)) {
        value[field.name] = plausibleValue(field.type, field.name, type.name, world, random);
      }
    }
    return value;
  }
  return plausibleScalar(type, fieldName, inputTypeName, world, random);
}

const UNSAFE_STRINGS = ["nul\u0000byte", "lone\ud800surrogate", "\udc00", "x".repeat(100_000), "", "   ", "\t\n", "é".repeat(5_000)];
const BAD_STRINGS_BY_FIELD: Record<string, string[]> = {
  email: ["not-an-email", "a@", "@example.test", "a@b@example.test", " spaced@example.test", "line\n@example.test"],
  url: [
    "not a url",
    "http://",
    "ftp://127.0.0.1/",
    "javascript:alert(1)",
    "http://user:pass@127.0.0.1/",
    "http://127.0.0.1:99999/",
    "http://fuzz.invalid/hook",
    "http://fuzz.invalid#@127.0.0.1/",
    "//127.0.0.1/",
  ],
  allowedCidrs: ["10.0.0.0/33", "999.0.0.1", "::/129", "10.0.0.0/-1", "not a cidr", "10.0.0.0/8/8"],
  eventTypes: ["no.such.event", "key.**", "*.*", "KEY.CREATED"],
  password: ["short", "x".repeat(100_000)],
};
const BAD_DATES = [
  "not a date",
  "2026-13-45T99:99:99Z",
  "2026-02-30T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "+275760-09-13T00:00:00.000Z",
  "1970-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  1_700_000_000_000,
];
const BAD_NUMBERS = [-1, 0, -2_147_483_648, 2_147_483_647, 2_147_483_648, 1.5, "7", Number.MAX_SAFE_INTEGER, 1e308];
const WRONG_TYPES = [42, true, {}, { nested: { deep: 1 } }, ["list"]];

function deeplyNestedList(depth: number): unknown {
  let value: unknown = "deep";
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

function badIds(world: FuzzWorld, real: string): unknown[] {
  const uuidOf = (id: string) => Buffer.from(id, "base64url").toString("utf8").split(":")[1] ?? "";
  return [
    "",
    " ",
    "abc",
    "!!!",
    `${real}\u0000`,
    ` ${real}`,
    `${real}==`,
    `${real}!!*`,
    toGlobalId("User", uuidOf(real)),
    toGlobalId("Organization", "not-a-uuid"),
    toGlobalId(Buffer.from(real, "base64url").toString("utf8").split(":")[0] ?? "Organization", "01a23000-0000-7000-8000-000000000000"),
    world.foreignOrganizationId,
    world.foreignLocationId,
    12345,
    "x".repeat(100_000),
  ];
}

/** Bad values for one field, chosen by its type and name. */
export function badValuesFor(type: GraphQLInputType, fieldName: string, plausible: unknown, world: FuzzWorld): unknown[] {
  const named = getNamedType(type);
  const structural = [null, ...WRONG_TYPES, deeplyNestedList(40)];
  if (isListType(isNonNullType(type) ? type.ofType : type)) {
    const item = Array.isArray(plausible) ? plausible[0] : plausible;
    const items = badValuesFor(named, fieldName, item, world).map((bad) => [item, bad]);
    return [...structural, [], [null], Array.from({ length: 2_000 }, () => item), ...items];
  }
  if (isInputObjectType(named)) return structural;
  if (isEnumType(named)) {
    const first = named.getValues()[0]?.name ?? "";
    return [...structural, "NOT_A_VALUE", first.toLowerCase(), 7, ""];
  }
  switch (named.name) {
    case "ID":
      return [...structural, ...badIds(world, typeof plausible === "string" ? plausible : world.organizationId)];
    case "Int":
    case "Float":
      return [...structural, ...BAD_NUMBERS];
    case "Boolean":
      return [...structural, "true", 1, "yes"];
    case "DateTimeISO":
      return [...structural, ...BAD_DATES];
    default:
      return [...structural, ...UNSAFE_STRINGS, ...(BAD_STRINGS_BY_FIELD[fieldName] ?? [])];
  }
}

interface Slot {
  path: string[];
  type: GraphQLInputType;
  fieldName: string;
}

/** Every field of an input type, nested input objects included, as paths. */
function slotsOf(type: GraphQLInputObjectType, path: string[] = []): Slot[] {
  return Object.values(type.getFields()).flatMap((field) => {
    const here = { path: [...path, field.name], type: field.type, fieldName: field.name };
    const named = getNamedType(field.type);
    return isInputObjectType(named) && !isListType(field.type) ? [here, ...slotsOf(named, here.path)] : [here];
  });
}

export interface FuzzCase {
  label: string;
  variables: Record<string, unknown>;
}

/** One bad input for a mutation that takes `input`: a plausible input with one thing wrong. */
export function badInputCase(mutation: GraphQLField<unknown, unknown>, world: FuzzWorld, random: Random): FuzzCase {
  const inputArg = mutation.args.find((arg) => arg.name === "input");
  if (!inputArg) throw new Error(`${mutation.name} takes no input`);
  const inputType = getNamedType(inputArg.type) as GraphQLInputObjectType;
  const input = plausibleValue(inputArg.type, "input", inputType.name, world, random) as Record<string, unknown>;
  const roll = random.next();
  if (roll < 0.02) return { label: "no input at all", variables: {} };
  if (roll < 0.04) return { label: "input is a string", variables: { input: "input" } };
  if (roll < 0.07) return { label: "unknown input field", variables: { input: { ...input, bogus: 1 } } };

  const slot = random.pick(slotsOf(inputType));
  const parent = slot.path.slice(0, -1).reduce<Record<string, unknown>>((object, key) => {
    object[key] = typeof object[key] === "object" && object[key] !== null ? object[key] : {};
    return object[key] as Record<string, unknown>;
  }, input);
  const key = slot.path[slot.path.length - 1] as string;
  const plausible = parent[key] ?? plausibleValue(slot.type, slot.fieldName, inputType.name, world, random);
  if (isNonNullType(slot.type) && random.chance(0.1)) {
    delete parent[key];
    return { label: `input.${slot.path.join(".")} missing`, variables: { input } };
  }
  const bad = random.pick(badValuesFor(slot.type, slot.fieldName, plausible, world));
  parent[key] = bad;
  return { label: `input.${slot.path.join(".")} = ${describe(bad)}`, variables: { input } };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 60)}… (${text.length} characters)` : text;
}
