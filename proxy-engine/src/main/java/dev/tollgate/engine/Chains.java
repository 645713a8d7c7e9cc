package dev.tollgate.engine;

import dev.tollgate.gateway.GatewayPipelines;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one place the governing chain is put together, in the order the product promises: the attempt is
 * recorded first, then identity, policy, limits and the loop breaker decide (a shadow candidate, if any, decides
 * beside them and enforces nothing), then a person approves the call where
 * an approve rule asks for that, the call joins the session's history and the call is forwarded (with the end
 * user's or Tollgate's own upstream token where the server asks for one; the connection attaches the server's
 * credentials, see {@code UpstreamCredentials}). Names no upstream
 * offers run audit and identity, then are blocked. Every chain takes its calls' snapshot (policy, limits, breaker,
 * authenticator) from {@code snapshots} once per call; a new link reads it from {@code chain.snapshot()}.
 */
final class Chains {
    /** The links, one per concern, as the engine built them from the configuration. */
    record Links(
            Interceptor audit,
            Interceptor identity,
            Interceptor shadow,
            Interceptor policy,
            Interceptor rateLimit,
            Interceptor loopBreaker,
            Interceptor approval,
            Interceptor history,
            List<Interceptor> upstreamTokens,
            Interceptor forwarding,
            Interceptor unknownTool) {
        Links {
            upstreamTokens = List.copyOf(upstreamTokens);
        }
    }

    private Chains() {}

    static GatewayPipelines build(Links l, Supplier<CallSnapshot> snapshots) {
        List<Interceptor> links = new ArrayList<>(List.of(
                l.audit(),
                l.identity(),
                l.shadow(),
                l.policy(),
                l.rateLimit(),
                l.loopBreaker(),
                l.approval(),
                l.history()));
        links.addAll(l.upstreamTokens());
        links.add(l.forwarding());
        Pipeline calls = new Pipeline(links, snapshots);
        Pipeline unknownTools = new Pipeline(List.of(l.audit(), l.identity(), l.unknownTool()), snapshots);
        return new GatewayPipelines(calls, unknownTools);
    }

    /**
     * The chain a re-sent recorded call runs through: the governing chain without the identity link, since the
     * replayer gives the call its built-in identity (there are no agent credentials to re-check). The rate limit
     * and loop breaker see the call as the {@code original} agent's, so a re-send cannot sidestep that agent's
     * limits or a tripped breaker.
     */
    static Pipeline replay(
            Links l, Supplier<CallSnapshot> snapshots, Function<ToolCall, Optional<AgentIdentity>> original) {
        List<Interceptor> links = new ArrayList<>(List.of(
                l.audit(),
                l.policy(),
                new GovernedAs(original, List.of(l.rateLimit(), l.loopBreaker())),
                l.approval(),
                l.history()));
        links.addAll(l.upstreamTokens());
        links.add(l.forwarding());
        return new Pipeline(links, snapshots);
    }

    /** The same chains with an observing link (telemetry) in front of every other, when there is one. */
    static GatewayPipelines observed(
            GatewayPipelines pipelines, Optional<Interceptor> observer, Supplier<CallSnapshot> snapshots) {
        return observer.map(o -> new GatewayPipelines(
                        observed(pipelines.calls(), observer, snapshots),
                        observed(pipelines.unknownTools(), observer, snapshots)))
                .orElse(pipelines);
    }

    static Pipeline observed(Pipeline pipeline, Optional<Interceptor> observer, Supplier<CallSnapshot> snapshots) {
        if (observer.isEmpty()) {
            return pipeline;
        }
        List<Interceptor> links = new ArrayList<>(pipeline.links().size() + 1);
        links.add(observer.get());
        links.addAll(pipeline.links());
        return new Pipeline(links, snapshots);
    }
}
