package dev.tollgate.pipeline;

import java.util.List;

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
        return new RealChain(0, call, context).proceed(call);
    }

    public List<Interceptor> links() {
        return links;
    }

    private final class RealChain implements Interceptor.Chain {
        private final int index;
        private final ToolCall call;
        private final CallContext context;

        RealChain(int index, ToolCall call, CallContext context) {
            this.index = index;
            this.call = call;
            this.context = context;
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
        public CallOutcome proceed(ToolCall next) {
            if (index >= links.size()) {
                throw new IllegalStateException("the last link of the pipeline called proceed()");
            }
            return links.get(index).intercept(new RealChain(index + 1, next, context));
        }
    }
}
