import { ArgsType, Field, Int, ObjectType } from "type-graphql";
import { badUserInput } from "./errors";

export const MAX_PAGE_SIZE = 100;
/** The page size when `first` is not given. */
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return, 0 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Return items after this cursor (from `pageInfo.endCursor`)." })
  after?: string | null;
}

export interface PageRequest {
  first: number;
  /** Keyset position: the ID of the last item already seen. */
  afterId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(id: string): string {
  return Buffer.from(`cursor:${id}`).toString("base64url");
}

/** Validates pagination arguments; a bad cursor or size is the client's bug, so it is a thrown error. */
export function pageRequest(args: ConnectionArgs): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  if (args.after == null) return { first, afterId: null };
  const decoded = Buffer.from(args.after, "base64url").toString("utf8");
  const id = decoded.startsWith("cursor:") ? decoded.slice("cursor:".length) : "";
  if (!UUID.test(id)) throw badUserInput("`after` is not a cursor this API issued.");
  return { first, afterId: id };
}

@ObjectType({ description: "Where a page sits in a list." })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the last item; pass it as `after` for the next page." })
  endCursor!: string | null;
}

/**
 * One page of a list, as a Relay connection. `totalCount` is computed only when a query asks for
 * it: the getter runs the count lazily, through a DataLoader when the list is nested.
 */
export class Page<T extends { id: string }> {
  private count: Promise<number> | undefined;

  /** @param rows up to `first + 1` rows; the extra one only tells that a next page exists. */
  constructor(
    rows: T[],
    first: number,
    private readonly countAll: () => Promise<number>,
  ) {
    this.nodes = rows.slice(0, first);
    const last = this.nodes.at(-1);
    this.pageInfo = { hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last.id) : null };
  }

  readonly nodes: T[];
  readonly pageInfo: PageInfo;

  get edges(): Array<{ cursor: string; node: T }> {
    return this.nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  }

  get totalCount(): Promise<number> {
    this.count ??= this.countAll();
    return this.count;
  }
}

/**
 * A page of a nested list whose rows are read only if the query asks for them, so that
 * `locations { totalCount }` costs no page statement. Parents resolved together still share one
 * statement: their fields are read in the same tick.
 */
export class LazyPage<T extends { id: string }> {
  private page: Promise<Page<T>> | undefined;

  constructor(
    private readonly loadPage: () => Promise<Page<T>>,
    private readonly countAll: () => Promise<number>,
  ) {}

  private loaded(): Promise<Page<T>> {
    this.page ??= this.loadPage();
    return this.page;
  }

  get nodes(): Promise<T[]> {
    return this.loaded().then((page) => page.nodes);
  }

  get edges(): Promise<Array<{ cursor: string; node: T }>> {
    return this.loaded().then((page) => page.edges);
  }

  get pageInfo(): Promise<PageInfo> {
    return this.loaded().then((page) => page.pageInfo);
  }

  get totalCount(): Promise<number> {
    return this.countAll();
  }
}

type NodeClass = abstract new (...args: never[]) => object;

/** Declares `<Name>Connection` and `<Name>Edge` for a node type. */
export function Connection(name: string, nodeType: () => NodeClass, description: string) {
  @ObjectType(`${name}Edge`, { description: `An item in a ${name} list, with its cursor.` })
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(nodeType)
    node!: unknown;
  }

  @ObjectType(`${name}Connection`, { description })
  class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [nodeType()], { description: "The items, without cursors." })
    nodes!: unknown[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "How many items the whole list holds." })
    totalCount!: number;
  }
  return ConnectionType;
}
