package dev.tollgate.identity;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.upstream.UpstreamAuth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Tool calls as the transport would build them, and a last link that records what reached it. */
final class TestCalls {
    static final CallContext CONTEXT = new CallContext("2025-06-18", AgentChannel.DISCARD, Duration.ofSeconds(10));

    private TestCalls() {}

    static ToolCall call(String sessionId, Credentials credentials, String qualifiedTool) {
        return new ToolCall(
                UUID.randomUUID().toString(),
                Instant.now(),
                sessionId,
                credentials,
                Optional.empty(),
                Optional.empty(),
                ToolRef.parse(qualifiedTool),
                Json.object(),
                ToolAnnotations.NONE,
                Optional.empty(),
                Json.object(),
                UpstreamAuth.NONE);
    }

    static Credentials credentials(String bearer, String userToken) {
        return new Credentials(Optional.of(bearer), Optional.ofNullable(userToken));
    }

    /** The end of a chain: answers success and keeps every call it was handed. */
    static final class Recorder implements Interceptor {
        final List<ToolCall> received = new CopyOnWriteArrayList<>();

        @Override
        public CallOutcome intercept(Chain chain) {
            received.add(chain.call());
            return new CallOutcome(Decision.allowed("test", Optional.empty()), CallStatus.SUCCESS, Json.object(), 2);
        }

        ToolCall last() {
            return received.get(received.size() - 1);
        }
    }

    static String text(CallOutcome outcome) {
        return outcome.result().path("content").get(0).path("text").asString();
    }
}
