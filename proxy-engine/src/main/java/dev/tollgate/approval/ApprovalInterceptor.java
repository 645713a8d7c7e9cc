package dev.tollgate.approval;

import dev.tollgate.audit.Redactor;
import dev.tollgate.history.CallHistory;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CancellationSignal;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.Verdict;
import dev.tollgate.policy.ApprovalRule;
import dev.tollgate.policy.Policy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Holds a call that policy, limits and the loop breaker let through but an {@code approve:} rule matches, until a
 * human answers or {@code approvals.timeout} passes (then it is denied). The agent's request stays open meanwhile;
 * when the agent asked for progress, a progress notification every few seconds tells it the call is waiting. An
 * approved call is decided by the policy once more (the wait may have outlasted a tool's pin), then goes
 * on, and its record names the approve rule and who approved it, when, after how long; a denied one is blocked
 * with the same facts.
 */
public final class ApprovalInterceptor implements Interceptor {
    static final Duration KEEPALIVE = Duration.ofSeconds(5);

    private final CallHistory history;
    private final ApprovalDesk desk;
    private final Redactor redactor;
    private final Clock clock;

    public ApprovalInterceptor(CallHistory history, ApprovalDesk desk, Redactor redactor, Clock clock) {
        this.history = history;
        this.desk = desk;
        this.redactor = redactor;
        this.clock = clock;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        Policy policy = chain.snapshot().policy();
        Optional<ApprovalRule> rule = policy.approval(call, history);
        if (rule.isEmpty()) {
            return chain.proceed(call);
        }
        Instant heldAt = clock.instant();
        HeldCall held = new HeldCall(
                ApprovalDesk.newId(),
                heldAt,
                heldAt.plus(desk.settings().timeout()),
                call.agentId(),
                call.user().map(u -> u.subject()),
                call.sessionId(),
                call.conversationId(),
                call.tool().qualified(),
                redactor.redact(call.arguments()),
                rule.get().describe(),
                rule.get().source());
        Answer answer = await(held, desk.hold(held), chain);
        if (!answer.approved()) {
            return CallOutcome.blocked(Decision.blocked(
                    BlockReason.APPROVAL,
                    rule.get().describe(),
                    Optional.of(rule.get().source()),
                    "Tollgate blocked " + call.tool() + ": it needs a person's "
                            + "approval (" + rule.get().describe() + ", "
                            + rule.get().source() + ") and was "
                            + answer.describe() + "."));
        }
        // Minutes may have passed: a tool whose definition changed meanwhile is withheld, and stays blocked.
        Decision again = policy.decide(call, history);
        if (again.isBlocked()) {
            return CallOutcome.blocked(again);
        }
        chain.state()
                .approved(new Decision(
                        Verdict.ALLOWED,
                        BlockReason.NONE,
                        rule.get().describe(),
                        Optional.of(rule.get().source()),
                        "allowed; " + answer.describe(),
                        Optional.empty()));
        return chain.proceed(call);
    }

    private Answer await(HeldCall held, CompletableFuture<Answer> answer, Chain chain) {
        CancellationSignal cancellation = chain.context().cancellation();
        Optional<JsonNode> progressToken =
                Optional.ofNullable(chain.call().meta().get("progressToken")).filter(t -> t.isString() || t.isNumber());
        try (CancellationSignal.Registration ignored = cancellation.onCancel(
                why -> desk.answer(held.id(), false, "the agent", "it cancelled the call (" + why + ")"))) {
            int beats = 0;
            while (true) {
                Duration left = Duration.between(clock.instant(), held.deadline());
                if (left.isNegative() || left.isZero()) {
                    desk.answer(
                            held.id(),
                            false,
                            "timeout",
                            "nobody answered within "
                                    + desk.settings()
                                            .timeout()
                                            .toString()
                                            .substring(2)
                                            .toLowerCase(java.util.Locale.ROOT)
                                    + " (approvals.timeout)");
                    return answer.join();
                }
                try {
                    return answer.get(Math.min(left.toMillis(), KEEPALIVE.toMillis()), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    beats++;
                    if (progressToken.isPresent()) {
                        chain.context().channel().send(progress(progressToken.get(), beats, held));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            desk.answer(held.id(), false, "tollgate", "interrupted while waiting");
            return answer.join();
        } catch (ExecutionException e) {
            throw new IllegalStateException("approval of " + held.id() + " failed", e.getCause());
        }
    }

    private static JsonNode progress(JsonNode token, int beat, HeldCall held) {
        ObjectNode notification = Json.object();
        notification.put("jsonrpc", "2.0");
        notification.put("method", "notifications/progress");
        ObjectNode params = notification.putObject("params");
        params.set("progressToken", token);
        params.put("progress", beat);
        params.put("message", "waiting for a person to approve " + held.tool() + " (" + held.id() + ")");
        return notification;
    }
}
