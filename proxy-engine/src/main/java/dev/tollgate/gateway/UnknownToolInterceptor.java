package dev.tollgate.gateway;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import java.util.Optional;

/** The last link for tool names no upstream offers: blocks, naming the tool, so the attempt is still audited. */
public final class UnknownToolInterceptor implements Interceptor {
    private final NameScheme names;

    public UnknownToolInterceptor(NameScheme names) {
        this.names = names;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        String asCalled = chain.call().tool().server().isEmpty()
                ? chain.call().tool().tool()
                : names.name(chain.call().tool().server(), chain.call().tool().tool());
        return CallOutcome.blocked(Decision.blocked(
                BlockReason.UNKNOWN_TOOL,
                "unknown tool",
                Optional.empty(),
                "Tollgate blocked " + asCalled + ": no upstream server offers a tool of that name; "
                        + "call tools/list for the tools you may use."));
    }
}
