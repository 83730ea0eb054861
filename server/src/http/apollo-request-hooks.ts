import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { Metrics } from "../observability/metrics";
import { answerUnavailableWith503 } from "./database-unavailable";
import { refuseSubscriptionOverHttp } from "./graphql-refusals";

/**
 * Everything we do in Apollo's request pipeline, as one plugin. Apollo awaits every plugin at each
 * of its stages (a promise per plugin for `requestDidStart`, `responseForOperation`,
 * `didResolveOperation`, `willSendResponse` …), hooks or not, and with MikroORM's
 * AsyncLocalStorage enabled every promise also runs Node's async hooks: three plugins cost more
 * than the work they did. The work itself lives with its concern (metrics, refusals, outage).
 */
export function apolloRequestHooks(metrics: Pick<Metrics, "recordOperation">): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      const startedAt = process.hrtime.bigint();
      return {
        async didResolveOperation({ operation }) {
          refuseSubscriptionOverHttp(operation);
        },
        async willSendResponse(request) {
          answerUnavailableWith503(request);
          metrics.recordOperation(request, startedAt);
        },
      };
    },
  };
}
