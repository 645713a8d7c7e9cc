package dev.tollgate.pipeline;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** An ordered list of interceptors; the last one must answer without calling proceed. */
public final class Pipeline {
    private final List<Interceptor> links;

    public Pipeline(List<Interceptor> links) {
        if (links.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one link");
        }
        this.links = List.copyOf(links);
    }

    public CallOutcome execute(ToolCall call, CallContext context) {
        return new RealChain(0, call, context, new AtomicReference<>(call)).proceed(call);
    }

    public List<Interceptor> links() {
        return links;
    }

    private final class RealChain implements Interceptor.Chain {
        private final int index;
        private final ToolCall call;
        private final CallContext context;
        private final AtomicReference<ToolCall> latest;

        RealChain(int index, ToolCall call, CallContext context, AtomicReference<ToolCall> latest) {
            this.index = index;
            this.call = call;
            this.context = context;
            this.latest = latest;
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
        public ToolCall latestCall() {
            return latest.get();
        }

        @Override
        public CallOutcome proceed(ToolCall next) {
            if (index >= links.size()) {
                throw new IllegalStateException("the last link of the pipeline called proceed()");
            }
            latest.set(next);
            return links.get(index).intercept(new RealChain(index + 1, next, context, latest));
        }
    }
}
