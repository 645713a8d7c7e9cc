package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.json.Json;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.OneAgentEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Tollgate's own SSE streams toward 2025-era agents, read event by event from a real engine over loopback: event
 * ids on every message, a priming event with {@code retry} for 2025-11-25 sessions, and a GET with
 * {@code Last-Event-ID} that hands an agent what it missed after losing a stream, a call's answer included.
 */
class AgentStreamResumptionTest {
    private static final String KEY = "sse-key";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;
    private RawMcp mcp;

    /** One server-sent event as the agent parses it (fields it did not carry are empty). */
    private record Event(Optional<String> id, Optional<String> retry, String data) {
        JsonNode json() {
            return Json.parse(data);
        }
    }

    /** Reads events off one open SSE response. */
    private static final class Events implements AutoCloseable {
        private final InputStream body;
        private final BufferedReader reader;

        Events(HttpResponse<InputStream> response) {
            this.body = response.body();
            this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        /** The next event with data (possibly empty), or empty at the end of the stream. */
        Optional<Event> next() {
            try {
                String id = null;
                String retry = null;
                StringBuilder data = null;
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (data != null) {
                            return Optional.of(
                                    new Event(Optional.ofNullable(id), Optional.ofNullable(retry), data.toString()));
                        }
                        continue;
                    }
                    if (line.startsWith("id:")) {
                        id = line.substring(3).strip();
                    } else if (line.startsWith("retry:")) {
                        retry = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        data = (data == null ? new StringBuilder() : data.append('\n'))
                                .append(line.substring(5).strip());
                    }
                }
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Events up to and including the first one {@code last} accepts. */
        List<Event> until(Predicate<Event> last) {
            List<Event> events = new ArrayList<>();
            Optional<Event> event;
            while ((event = next()).isPresent()) {
                events.add(event.get());
                if (last.test(event.get())) {
                    break;
                }
            }
            return events;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    @BeforeEach
    void start() {
        crm = McpTestServer.builder().tools("echo", "slow", "progress").start();
        engine = OneAgentEngine.start(dir, KEY, Map.of("crm", crm.url()));
        mcp = new RawMcp(engine.endpoint().orElseThrow());
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
    }

    private String openSession(String version) {
        HttpResponse<String> response =
                mcp.post().key(KEY).body(RawMcp.initialize(version)).send();
        assertThat(response.statusCode()).isEqualTo(200);
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        mcp.post()
                .key(KEY)
                .session(session)
                .body("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .send();
        return session;
    }

    private Events open(RawMcp.Call call) throws Exception {
        HttpResponse<InputStream> response = mcp.client().send(call.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        return new Events(response);
    }

    private Events call(String session, int id, String tool, String arguments) throws Exception {
        return open(mcp.post()
                .key(KEY)
                .session(session)
                .body(RawMcp.request(
                        id,
                        "tools/call",
                        "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + ",\"_meta\":{\"progressToken\":\"p-"
                                + id + "\"}}")));
    }

    private static Predicate<Event> answerTo(int id) {
        return event -> !event.data().isEmpty()
                && event.json().path("id").asInt(-1) == id
                && event.json().has("result");
    }

    @Test
    void aPostStreamIsPrimedAndNumbersEveryMessage() throws Exception {
        String session = openSession("2025-11-25");

        List<Event> events;
        try (Events stream = call(session, 2, "crm__progress", "{\"steps\":3}")) {
            events = stream.until(answerTo(2));
        }

        Event priming = events.get(0);
        assertThat(priming.data()).isEmpty();
        assertThat(priming.id()).isPresent();
        assertThat(priming.retry()).contains("1000");
        List<Event> messages = events.subList(1, events.size());
        assertThat(messages)
                .hasSize(4)
                .allSatisfy(event -> assertThat(event.id()).isPresent());
        assertThat(messages.stream().map(e -> e.id().orElseThrow()).distinct()).hasSize(4);
        assertThat(messages.get(3)
                        .json()
                        .path("result")
                        .path("content")
                        .get(0)
                        .path("text")
                        .asString())
                .isEqualTo("done 3 steps");
    }

    @Test
    void anAgentThatLostItsPostStreamGetsTheAnswerByResumingWithLastEventId() throws Exception {
        String session = openSession("2025-11-25");
        String primingId;
        try (Events stream = call(session, 3, "crm__slow", "{\"ms\":1500}")) {
            primingId = stream.next().orElseThrow().id().orElseThrow();
        }

        List<Event> resumed;
        try (Events stream = open(mcp.get().key(KEY).session(session).header("Last-Event-ID", primingId))) {
            resumed = stream.until(answerTo(3));
        }

        Event answer = resumed.get(resumed.size() - 1);
        assertThat(answerTo(3).test(answer)).isTrue();
        assertThat(answer.json().path("result").path("isError").asBoolean(false))
                .isFalse();
        assertThat(answer.id().orElseThrow()).isNotEqualTo(primingId);
    }

    @Test
    void theGetStreamIsPrimedAndResumesAfterTheLastEventTheAgentSaw() throws Exception {
        String session = openSession("2025-11-25");
        String primingId;
        try (Events stream = open(mcp.get().key(KEY).session(session))) {
            Event priming = stream.next().orElseThrow();
            assertThat(priming.data()).isEmpty();
            assertThat(priming.retry()).contains("1000");
            primingId = priming.id().orElseThrow();
        }

        crm.addEchoTool("echo_again");

        try (Events stream = open(mcp.get().key(KEY).session(session).header("Last-Event-ID", primingId))) {
            List<Event> events = stream.until(e -> !e.data().isEmpty());
            Event changed = events.get(events.size() - 1);
            assertThat(changed.json().path("method").asString()).isEqualTo("notifications/tools/list_changed");
            assertThat(changed.id()).isPresent();
            assertThat(changed.id().orElseThrow()).isNotEqualTo(primingId);
        }
    }

    @Test
    void aSlowCallWithNothingToSayBeforeItsAnswerIsStillPrimedSoTheAgentCanResume() throws Exception {
        String session = openSession("2025-11-25");

        List<Event> events;
        try (Events stream = call(session, 5, "crm__slow", "{\"ms\":1000}")) {
            events = stream.until(answerTo(5));
        }

        assertThat(events).hasSize(2);
        assertThat(events.get(0).data()).isEmpty();
        assertThat(events.get(0).retry()).contains("1000");
        assertThat(events.get(1).id()).isPresent();
    }

    @Test
    void aQuickCallWithNothingToSayBeforeItsAnswerIsAnsweredAsPlainJson() {
        String session = openSession("2025-11-25");

        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .session(session)
                .body(RawMcp.request(6, "tools/call", "{\"name\":\"crm__echo\",\"arguments\":{\"text\":\"hi\"}}"))
                .send();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(RawMcp.messages(response))
                .singleElement()
                .satisfies(answer -> assertThat(answer.path("result")
                                .path("content")
                                .get(0)
                                .path("text")
                                .asString())
                        .contains("hi"));
    }

    @Test
    void sessionsOfEarlierRevisionsGetEventIdsButNoPrimingEvent() throws Exception {
        String session = openSession("2025-06-18");

        List<Event> events;
        try (Events stream = call(session, 4, "crm__progress", "{\"steps\":2}")) {
            events = stream.until(answerTo(4));
        }

        assertThat(events).allSatisfy(event -> {
            assertThat(event.data()).isNotEmpty();
            assertThat(event.id()).isPresent();
        });
    }
}
