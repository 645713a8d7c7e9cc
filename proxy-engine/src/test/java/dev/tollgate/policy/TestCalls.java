package dev.tollgate.policy;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.identity.UserIdentity;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.upstream.UpstreamAuth;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Builds the calls and configurations the policy tests evaluate. */
public final class TestCalls {
    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    public static final Path SEED_AGENTS = Path.of("../sample-data/policies/seed-agents.yaml");
    public static final Path INCIDENT = Path.of("../sample-data/policies/incident.yaml");

    private TestCalls() {}

    /** Loads a configuration file, giving every {@code ${env:…}} a harmless value. */
    public static TollgateConfig load(Path file) {
        return new ConfigLoader(name -> Optional.of(name.endsWith("_URL") ? "http://127.0.0.1:1/mcp" : "k-" + name))
                .load(file);
    }

    public static ToolCall call(String agentId, List<String> roles, String tool, String argsJson) {
        return call(agentId, roles, tool, argsJson, T0, ToolAnnotations.NONE);
    }

    public static ToolCall call(
            String agentId, List<String> roles, String tool, String argsJson, Instant at, ToolAnnotations annotations) {
        return new ToolCall(
                "c-" + System.nanoTime(),
                at,
                "s-1",
                Credentials.NONE,
                Optional.of(new AgentIdentity(agentId, roles, "api-key")),
                Optional.empty(),
                ToolRef.parse(tool),
                Json.parse(argsJson),
                annotations,
                Optional.empty(),
                Json.object(),
                UpstreamAuth.NONE);
    }

    public static ToolCall asUser(ToolCall call, String subject) {
        return call.withUser(new UserIdentity(subject, List.of("staff"), List.of("crm.read")));
    }

    public static ToolAnnotations readOnly() {
        return new ToolAnnotations(Optional.of(true), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static ToolAnnotations destructive() {
        return new ToolAnnotations(Optional.of(false), Optional.of(true), Optional.empty(), Optional.empty());
    }
}
