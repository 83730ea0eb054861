import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  getOperationAST,
  Kind,
  type SelectionSetNode,
} from "graphql";
import { PushStream } from "../core/push-stream";

type Executed = ExecutionResult | Promise<ExecutionResult>;

/**
 * What `graphql.subscribe` does (each event of the source stream executed as the root value), except
 * that the subscriptions this allows share one execution per event: subscribers of the same document
 * with the same variables are sent the result computed for the first of them. One event to 20,000
 * subscribers is then one execution per distinct selection instead of 20,000.
 *
 * Only for subscription fields whose payload does not depend on who receives it (`viewerIndependent`):
 * whether a subscriber receives an event at all is decided before, by its source stream.
 */
export function sharedSubscribe(viewerIndependent: ReadonlySet<string>) {
  // Keyed by the event object itself, which every subscriber's stream yields: forgotten with it.
  const executed = new WeakMap<object, WeakMap<DocumentNode, Map<string, Executed>>>();

  function shared(event: unknown, args: ExecutionArgs, variablesKey: string): Executed {
    if (typeof event !== "object" || event === null) return execute({ ...args, rootValue: event });
    const byDocument = executed.get(event) ?? new WeakMap<DocumentNode, Map<string, Executed>>();
    executed.set(event, byDocument);
    const byVariables = byDocument.get(args.document) ?? new Map<string, Executed>();
    byDocument.set(args.document, byVariables);
    const known = byVariables.get(variablesKey);
    if (known) return known;
    const result = execute({ ...args, rootValue: event });
    byVariables.set(variablesKey, result);
    return result;
  }

  return async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const variablesKey = sharesPayload(args, viewerIndependent)
      ? `${args.operationName ?? ""}\u0000${JSON.stringify(args.variableValues ?? {})}`
      : null;
    return mapEvents(source, (event) =>
      variablesKey === null ? execute({ ...args, rootValue: event }) : shared(event, args, variablesKey),
    );
  };
}

/** Whether every root field of the operation is one whose payload is the same for every subscriber. */
function sharesPayload(args: ExecutionArgs, viewerIndependent: ReadonlySet<string>): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  return !!operation && rootFieldsAll(operation.selectionSet, viewerIndependent);
}

function rootFieldsAll(selectionSet: SelectionSetNode, allowed: ReadonlySet<string>): boolean {
  // Fragments at the root are rare in subscriptions; they are simply not shared.
  return selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && allowed.has(selection.name.value));
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/**
 * The source's events mapped to results. Written as an iterator rather than an async generator so
 * that `return()` reaches the source at once, even while it waits for its next event (an async
 * generator would only see it after that event, leaving the subscription registered till then).
 */
function mapEvents(source: AsyncIterable<unknown>, map: (event: unknown) => Executed): AsyncIterableIterator<ExecutionResult> {
  // Our own event streams take the execution as a stage, run as each event is pushed (see PushStream).
  if (source instanceof PushStream) return source.pipe(map);
  const iterator = source[Symbol.asyncIterator]();
  const close = async (): Promise<IteratorResult<ExecutionResult>> => {
    await iterator.return?.();
    return { value: undefined, done: true };
  };
  return {
    async next() {
      const step = await iterator.next();
      if (step.done) return { value: undefined, done: true };
      try {
        return { value: await map(step.value), done: false };
      } catch (error) {
        await close();
        throw error;
      }
    },
    return: close,
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
