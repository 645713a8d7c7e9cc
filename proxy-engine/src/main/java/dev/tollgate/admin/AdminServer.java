package dev.tollgate.admin;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.config.ConfigException;
import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import dev.tollgate.policy.PolicyControl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin listener, on its own port and behind one bearer token: {@code GET /admin/events} streams engine events
 * as SSE, {@code GET /admin/status} says what the instance runs, {@code GET /admin/policy} returns the policy text,
 * {@code POST /admin/policy/check} lists a candidate's problems and {@code PUT /admin/policy} applies one (the
 * {@code X-Tollgate-Applied-By} header names who, and the change goes on the audit record).
 */
public final class AdminServer implements AutoCloseable {
    public static final String APPLIED_BY_HEADER = "X-Tollgate-Applied-By";
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final String CLOSING = "";

    private final Server server;
    private final ServerConnector connector;
    private final byte[] token;
    private final EventBus events;
    private final Supplier<JsonNode> status;
    private final PolicyControl policy;
    private final PolicyApplyRecorder recorder;
    private final Set<BlockingQueue<String>> streams = ConcurrentHashMap.newKeySet();

    private AdminServer(
            AdminSettings settings,
            EventBus events,
            Supplier<JsonNode> status,
            PolicyControl policy,
            AuditStore audit,
            Clock clock) {
        this.token = settings.token().getBytes(StandardCharsets.UTF_8);
        this.events = events;
        this.status = status;
        this.policy = policy;
        this.recorder = new PolicyApplyRecorder(audit, events, clock);
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("tollgate-admin");
        server = new Server(threads);
        server.setStopTimeout(2_000);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return route(request, response, callback);
            }
        });
    }

    /** Starts the listener the configuration's {@code admin:} section describes. */
    public static AdminServer start(
            AdminSettings settings,
            EventBus events,
            Supplier<JsonNode> status,
            PolicyControl policy,
            AuditStore audit,
            Clock clock) {
        AdminServer admin = new AdminServer(settings, events, status, policy, audit, clock);
        try {
            admin.server.start();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot listen for admin on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        LOG.info("admin listener on http://{}:{}/admin", settings.host(), admin.connector.getLocalPort());
        return admin;
    }

    public int port() {
        return connector.getLocalPort();
    }

    private boolean route(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        if (!path.startsWith("/admin/")) {
            return false;
        }
        if (!authorized(request)) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"tollgate-admin\"");
            return text(response, callback, 401, "the admin listener needs Authorization: Bearer <admin token>");
        }
        String method = request.getMethod();
        return switch (method + " " + path) {
            case "GET /admin/events" -> stream(response, callback);
            case "GET /admin/status" -> json(response, callback, 200, status.get());
            case "GET /admin/policy" -> text(response, callback, 200, policy.currentText());
            case "POST /admin/policy/check" ->
                check(Content.Source.asString(request, StandardCharsets.UTF_8), response, callback);
            case "PUT /admin/policy" -> apply(request, response, callback);
            default -> text(response, callback, 404, "no admin resource " + method + " " + path);
        };
    }

    private boolean authorized(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private boolean check(String candidate, Response response, Callback callback) {
        ArrayNode problems = Json.MAPPER.createArrayNode();
        for (ConfigException problem : policy.check(candidate)) {
            ObjectNode p = problems.addObject();
            p.put("line", problem.line());
            p.put("message", problem.detail());
        }
        ObjectNode out = Json.object();
        out.set("problems", problems);
        return json(response, callback, 200, out);
    }

    private boolean apply(Request request, Response response, Callback callback) throws IOException {
        String by = request.getHeaders().get(APPLIED_BY_HEADER);
        if (by == null || by.isBlank()) {
            return text(response, callback, 400, "say who applies the policy in the " + APPLIED_BY_HEADER + " header");
        }
        String candidate = Content.Source.asString(request, StandardCharsets.UTF_8);
        String before = policy.currentText();
        try {
            policy.apply(candidate);
        } catch (ConfigException e) {
            return text(response, callback, 422, e.getMessage());
        }
        String from = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
        try {
            recorder.applied(by.strip(), from, before, candidate);
        } catch (AuditUnavailableException e) {
            LOG.error("policy applied by {} from {} could not be recorded: {}", by, from, e.getMessage());
            return text(response, callback, 500, "applied, but the audit store could not record it: " + e.getMessage());
        }
        LOG.info("policy applied over the admin listener by {} from {}", by, from);
        return text(response, callback, 200, "applied");
    }

    /** Holds the request's thread for the stream's life: admin watchers are few. */
    private boolean stream(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        BlockingQueue<String> queue = new LinkedBlockingQueue<>(10_000);
        streams.add(queue);
        AutoCloseable subscription = events.subscribe(
                event -> EventCodec.toJson(event).ifPresent(json -> queue.offer("data: " + Json.write(json) + "\n\n")));
        try {
            write(response, ": tollgate admin events\n\n");
            while (true) {
                String next = queue.poll(15, TimeUnit.SECONDS);
                if (next == CLOSING) {
                    break;
                }
                write(response, next == null ? ": keep-alive\n\n" : next);
            }
            callback.succeeded();
        } catch (IOException e) {
            callback.failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } finally {
            streams.remove(queue);
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("closing an admin event subscription: {}", e.getMessage());
            }
        }
        return true;
    }

    private static void write(Response response, String text) throws IOException {
        try (Blocker.Callback written = Blocker.callback()) {
            response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), written);
            written.block();
        }
    }

    private static boolean json(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(Json.write(body).getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    private static boolean text(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    @Override
    public void close() throws Exception {
        streams.forEach(q -> q.offer(CLOSING));
        server.stop();
    }
}
