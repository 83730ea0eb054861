import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { PushStream } from "../core/push-stream";
import { sharedSubscribe } from "./shared-subscribe";

/** A schema whose one subscription field counts how often its payload is executed. */
function countingSchema() {
  const executions = { count: 0 };
  const events: object[] = [];
  const news = {
    type: GraphQLString,
    args: { prefix: { type: GraphQLString } },
    subscribe: async function* () {
      yield* events;
    },
    resolve: (event: { text: string }, args: { prefix?: string | null }) => {
      executions.count++;
      return `${args.prefix ?? ""}${event.text}`;
    },
  };
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({ name: "Subscription", fields: { news, otherNews: news } }),
  });
  return { schema, executions, events };
}

async function results(stream: unknown) {
  const all: unknown[] = [];
  for await (const result of stream as AsyncIterable<unknown>) all.push(result);
  return all;
}

describe("shared subscription execution", () => {
  it("executes an event once for every subscriber of the same document and variables, once more for other variables", async () => {
    const { schema, executions, events } = countingSchema();
    events.push({ text: "first" }, { text: "second" });
    const subscribe = sharedSubscribe(new Set(["news"]));
    const document = parse("subscription($prefix: String) { news(prefix: $prefix) }");
    const same = await Promise.all([1, 2, 3].map(() => subscribe({ schema, document, variableValues: { prefix: "a:" } })));
    const other = await subscribe({ schema, document, variableValues: { prefix: "b:" } });

    const received = await Promise.all([...same, other].map(results));
    expect(received.slice(0, 3)).toEqual([1, 2, 3].map(() => [{ data: { news: "a:first" } }, { data: { news: "a:second" } }]));
    expect(received[3]).toEqual([{ data: { news: "b:first" } }, { data: { news: "b:second" } }]);
    expect(executions.count).toBe(4);
  });

  it("executes as a stage of our own push streams, once per event for every subscriber", async () => {
    const executions = { count: 0 };
    const streams: PushStream<object>[] = [];
    const news = {
      type: GraphQLString,
      subscribe: () => {
        const stream = new PushStream<object>();
        streams.push(stream);
        return stream;
      },
      resolve: (event: { text: string }) => {
        executions.count++;
        return event.text;
      },
    };
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLString } } }),
      subscription: new GraphQLObjectType({ name: "Subscription", fields: { news } }),
    });
    const subscribe = sharedSubscribe(new Set(["news"]));
    const document = parse("subscription { news }");
    const subscriptions = (await Promise.all([1, 2, 3].map(() => subscribe({ schema, document })))) as AsyncIterator<unknown>[];
    const event = { text: "pushed" };
    for (const stream of streams) stream.push(event);
    for (const subscription of subscriptions)
      expect(await subscription.next()).toEqual({ value: { data: { news: "pushed" } }, done: false });
    expect(executions.count).toBe(1);
  });

  it("executes per subscriber a field not declared the same for everyone", async () => {
    const { schema, executions, events } = countingSchema();
    events.push({ text: "only" });
    const subscribe = sharedSubscribe(new Set(["news"]));
    const document = parse("subscription { otherNews }");
    await Promise.all([1, 2, 3].map(async () => results(await subscribe({ schema, document }))));
    expect(executions.count).toBe(3);
  });
});
