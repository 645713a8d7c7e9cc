package dev.tollgate.engine;

import dev.tollgate.gateway.GatewayPipelines;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import java.util.List;

/**
 * The one place the governing chain is put together, in the order the product promises: the attempt is
 * recorded first, then identity, policy, limits and the loop breaker decide, then credentials are added and
 * the call is forwarded. Names no upstream offers run audit and identity, then are blocked.
 */
final class Chains {
    /** The links, one per concern, as the engine built them from the configuration. */
    record Links(Interceptor audit, Interceptor identity, Interceptor policy, Interceptor rateLimit,
                 Interceptor loopBreaker, Interceptor credentialInjection, Interceptor forwarding,
                 Interceptor unknownTool) {}

    private Chains() {}

    static GatewayPipelines build(Links l) {
        Pipeline calls = new Pipeline(List.of(
                l.audit(),
                l.identity(),
                l.policy(),
                l.rateLimit(),
                l.loopBreaker(),
                l.credentialInjection(),
                l.forwarding()));
        Pipeline unknownTools = new Pipeline(List.of(
                l.audit(),
                l.identity(),
                l.unknownTool()));
        return new GatewayPipelines(calls, unknownTools);
    }
}
