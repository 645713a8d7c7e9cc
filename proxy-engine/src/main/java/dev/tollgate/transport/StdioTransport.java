package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.ProtocolVersions;
import dev.tollgate.gateway.RequestScope;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.session.AgentSession;
import dev.tollgate.session.SessionEndReason;
import dev.tollgate.session.SessionLimitException;
import dev.tollgate.session.SessionRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * MCP over stdio for one agent: newline-delimited JSON-RPC on the given input and output (stdin/stdout),
 * nothing else on the output. Requests run concurrently, so a cancellation or the answer to a relayed
 * sampling request can arrive while a tool call is in flight. The agent was authenticated at start-up.
 */
public final class StdioTransport {
    private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);
    /** How long requests read before the end of input may still run before the session ends and cancels them. */
    static final Duration DRAIN_AT_END = Duration.ofSeconds(30);

    private final McpGateway gateway;
    private final SessionRegistry sessions;
    private final AgentIdentity agent;
    private final Credentials credentials;
    private final InputStream in;
    private final LineWriter out;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tollgate-stdio-request");
        t.setDaemon(true);
        return t;
    });
    private AgentSession session;

    public StdioTransport(
            McpGateway gateway,
            SessionRegistry sessions,
            AgentIdentity agent,
            Credentials credentials,
            InputStream in,
            OutputStream out) {
        this.gateway = gateway;
        this.sessions = sessions;
        this.agent = agent;
        this.credentials = credentials;
        this.in = in;
        this.out = new LineWriter(out);
    }

    /** Serves until the input ends, answers the requests still running, then ends the session. */
    public void run() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    receive(line);
                }
            }
        } catch (IOException e) {
            LOG.warn("reading stdin failed: {}", e.getMessage());
        } finally {
            // The end of input is not a cancellation: a shell pipe closes stdin right behind the last request, and
            // ending the session first cancelled the requests still running, so their answers never went out.
            workers.shutdown();
            awaitWorkers(DRAIN_AT_END);
            if (session != null) {
                sessions.end(session.id(), SessionEndReason.CLIENT_CLOSED);
            }
            awaitWorkers(Duration.ofSeconds(5));
        }
    }

    private void awaitWorkers(Duration atMost) {
        try {
            workers.awaitTermination(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void receive(String line) {
        JsonNode parsed;
        try {
            parsed = Json.parse(line);
        } catch (JacksonException e) {
            out.send(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error"));
            return;
        }
        if (parsed == null || parsed.isMissingNode()) {
            out.send(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error"));
            return;
        }
        if (parsed.isArray()) {
            batch(parsed);
            return;
        }
        if (JsonRpc.kind(parsed) == JsonRpc.Kind.REQUEST && session != null) {
            workers.execute(() -> answer(parsed).ifPresent(out::send));
            return;
        }
        answer(parsed).ifPresent(out::send);
    }

    private void batch(JsonNode messages) {
        if (messages.isEmpty() || session == null || !ProtocolVersions.allowsBatches(session.protocolVersion())) {
            out.send(JsonRpc.error(
                    null,
                    JsonRpc.INVALID_REQUEST,
                    "Invalid Request: batches need an initialized " + "session on protocol "
                            + ProtocolVersions.V2025_03_26));
            return;
        }
        List<JsonNode> items = new ArrayList<>();
        messages.forEach(items::add);
        workers.execute(() -> {
            ArrayNode answers = Json.MAPPER.createArrayNode();
            for (JsonNode item : items) {
                answer(item).ifPresent(answers::add);
            }
            if (!answers.isEmpty()) {
                out.send(answers);
            }
        });
    }

    /** The answer a single message needs, if any. */
    private Optional<JsonNode> answer(JsonNode message) {
        JsonRpc.Kind kind = JsonRpc.kind(message);
        if (kind == JsonRpc.Kind.INVALID) {
            return Optional.of(JsonRpc.error(
                    JsonRpc.idOf(message),
                    JsonRpc.INVALID_REQUEST,
                    "Invalid Request: not a JSON-RPC 2.0 request, notification or response"));
        }
        String method = message.path("method").asString("");
        if (kind == JsonRpc.Kind.REQUEST && method.equals("initialize")) {
            return Optional.of(initialize(message));
        }
        if (session == null) {
            if (kind == JsonRpc.Kind.REQUEST && method.equals("ping")) {
                return Optional.of(JsonRpc.result(message.get("id"), Json.object()));
            }
            return kind == JsonRpc.Kind.REQUEST
                    ? Optional.of(JsonRpc.error(
                            message.get("id"),
                            JsonRpc.INVALID_REQUEST,
                            "the session is not initialized; send initialize first"))
                    : Optional.empty();
        }
        switch (kind) {
            case NOTIFICATION -> gateway.notification(session, message);
            case RESPONSE -> gateway.response(session, message);
            default -> {
                return gateway.handle(session, message, RequestScope.of(out));
            }
        }
        return Optional.empty();
    }

    private JsonNode initialize(JsonNode message) {
        if (session != null) {
            return JsonRpc.error(message.get("id"), JsonRpc.INVALID_REQUEST, "the session is already initialized");
        }
        JsonNode params = message.path("params");
        if (!params.isObject()) {
            return JsonRpc.error(
                    message.get("id"),
                    JsonRpc.INVALID_PARAMS,
                    "initialize needs params with protocolVersion, capabilities and clientInfo");
        }
        try {
            session = sessions.open(agent, credentials, "stdio", ProtocolVersions.LATEST, out);
        } catch (SessionLimitException e) {
            return JsonRpc.error(message.get("id"), JsonRpc.SERVER_ERROR, "Too many sessions: " + e.getMessage());
        }
        LOG.info("agent {} connected over stdio", agent.agentId());
        return JsonRpc.result(message.get("id"), gateway.initialize(session, params));
    }

    /** One JSON message per line, written whole even when several threads answer at once. */
    private static final class LineWriter implements AgentChannel {
        private final OutputStream out;

        LineWriter(OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void send(JsonNode message) {
            try {
                out.write((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is closed", e);
            }
        }
    }
}
