package dev.tollgate.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordered list of interceptors; the last one must answer without calling proceed. Each call gets its own
 * {@link CallState} with the snapshot taken as it enters. A blocked outcome a link returns is recorded as the
 * call's decision; a link that throws blocks the call with reason {@code internal} (fail closed).
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    static final String INTERNAL_RULE = "internal";

    private final List<Interceptor> links;
    private final Supplier<CallSnapshot> snapshots;

    public Pipeline(List<Interceptor> links, Supplier<CallSnapshot> snapshots) {
        if (links.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one link");
        }
        this.links = List.copyOf(links);
        this.snapshots = snapshots;
    }

    /** A chain without configuration: every agent refused, every call denied by links that ask the snapshot. */
    public Pipeline(List<Interceptor> links) {
        this(links, CallSnapshot::refuseAll);
    }

    public CallOutcome execute(ToolCall call, CallContext context) {
        CallState state = new CallState(snapshots.get(), call);
        return state.settle(new RealChain(0, call, context, state).proceed(call));
    }

    public List<Interceptor> links() {
        return links;
    }

    private final class RealChain implements Interceptor.Chain {
        private final int index;
        private final ToolCall call;
        private final CallContext context;
        private final CallState state;

        RealChain(int index, ToolCall call, CallContext context, CallState state) {
            this.index = index;
            this.call = call;
            this.context = context;
            this.state = state;
        }

        @Override
        public ToolCall call() {
            return call;
        }

        @Override
        public CallContext context() {
            return context;
        }

        @Override
        public CallState state() {
            return state;
        }

        @Override
        public CallOutcome proceed(ToolCall next) {
            if (index >= links.size()) {
                throw new IllegalStateException("the last link of the pipeline called proceed()");
            }
            state.reached(next);
            Interceptor link = links.get(index);
            CallOutcome outcome;
            try {
                outcome = link.intercept(new RealChain(index + 1, next, context, state));
            } catch (RuntimeException e) {
                return internal(link, next, e);
            }
            if (outcome.decision().isBlocked() && !state.blocked()) {
                state.block(outcome.decision());
            }
            return outcome;
        }

        private CallOutcome internal(Interceptor link, ToolCall next, RuntimeException e) {
            if (state.blocked()) {
                // A deeper link already failed (or blocked) and recorded why; this one only passes it on.
                LOG.error(
                        "{} failed after the call was blocked ({} for {})", name(link), next.tool(), next.agentId(), e);
                return CallOutcome.blocked(state.decision().orElseThrow());
            }
            LOG.error("{} failed on {} for {}; the call is blocked", name(link), next.tool(), next.agentId(), e);
            Decision decision = Decision.blocked(
                    BlockReason.INTERNAL,
                    INTERNAL_RULE,
                    Optional.empty(),
                    "Tollgate blocked the call: an internal error occurred while checking it (" + name(link)
                            + "); the attempt is recorded.");
            state.block(decision);
            return CallOutcome.blocked(decision);
        }

        private static String name(Interceptor link) {
            String simple = link.getClass().getSimpleName();
            return simple.isEmpty() || simple.contains("$$Lambda") || simple.contains("Lambda$") ? "a link" : simple;
        }
    }
}
