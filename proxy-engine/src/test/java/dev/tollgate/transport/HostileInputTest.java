package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.FaultyMcpServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the hostile-input corpus ({@code src/test/resources/hostile/*.http}: raw HTTP requests with
 * {@code {{HOST}}}, {@code {{KEY}}}, {@code {{SESSION}}} and {@code {{PAD:n}}} placeholders) byte for byte against
 * the agent endpoint over a plain socket: every request gets an HTTP answer below 500 without hanging, and a
 * legitimate call still works afterwards, with the audit chain intact.
 */
class HostileInputTest {
    private static final String KEY = "hostile-agent-key";
    private static final Pattern PAD = Pattern.compile("\\{\\{PAD:(\\d+)}}");
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private FaultyMcpServer upstream;
    private TollgateEngine engine;

    /** One replayed request: its file and the HTTP status it got (0: none within the deadline). */
    private record Replay(String file, int status) {}

    @BeforeEach
    void start() throws IOException {
        upstream = FaultyMcpServer.start(Duration.ofSeconds(30));
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(
                config,
                "listen: 127.0.0.1:0\n"
                        + "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                        + "servers:\n  faulty: { url: \"" + upstream.url() + "\" }\n"
                        + "agents:\n  agent: { keys: [\"" + KEY + "\"], roles: [user] }\n"
                        + "roles:\n  user: { allow: [\"faulty.*\"] }\n");
        engine = TollgateEngine.start(new ConfigLoader().load(config));
    }

    @AfterEach
    void stop() {
        engine.close();
        upstream.close();
    }

    private static List<Path> corpus() throws IOException, URISyntaxException {
        Path folder = Path.of(Objects.requireNonNull(HostileInputTest.class.getResource("/hostile"))
                .toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".http")).sorted().toList();
        }
    }

    /** The request with placeholders filled, {@code Connection: close} added, and Content-Length when missing. */
    private byte[] prepare(byte[] template, String session) {
        // ISO-8859-1 maps every byte to one char and back, so invalid UTF-8 in a body survives untouched.
        String text = new String(template, StandardCharsets.ISO_8859_1)
                .replace("{{HOST}}", "127.0.0.1:" + engine.port().orElseThrow())
                .replace("{{KEY}}", KEY)
                .replace("{{SESSION}}", session);
        Matcher pad = PAD.matcher(text);
        StringBuilder padded = new StringBuilder();
        while (pad.find()) {
            pad.appendReplacement(padded, "A".repeat(Integer.parseInt(pad.group(1))));
        }
        pad.appendTail(padded);
        text = padded.toString();
        int split = text.indexOf("\r\n\r\n");
        String head = text.substring(0, split);
        String body = text.substring(split + 4);
        String lower = head.toLowerCase();
        if (!lower.contains("\r\ncontent-length:")
                && !lower.contains("\r\ntransfer-encoding:")
                && (head.startsWith("POST") || head.startsWith("PUT"))) {
            head += "\r\nContent-Length: " + body.length();
        }
        return (head + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends raw bytes and reads the whole answer (the server closes after it); the status, or 0 on a hang. */
    private int send(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", engine.port().orElseThrow())) {
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException refusedMidBody) {
                // An oversized body may be refused before it is all sent; the answer is still there to read.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                in.transferTo(answer);
            } catch (SocketTimeoutException hang) {
                return 0;
            } catch (IOException reset) {
                // a reset after the answer was written: what was read counts
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            Matcher status = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(text);
            return status.find() ? Integer.parseInt(status.group(1)) : 0;
        }
    }

    private String initialize() throws IOException {
        String body = RawMcp.initialize("2025-06-18");
        String request =
                "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + engine.port().orElseThrow() + "\r\n"
                        + "Authorization: Bearer " + KEY + "\r\nContent-Type: application/json\r\n"
                        + "Accept: application/json, text/event-stream\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body;
        try (Socket socket = new Socket("127.0.0.1", engine.port().orElseThrow())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher id = Pattern.compile("(?i)mcp-session-id: (\\S+)").matcher(answer);
            assertThat(id.find()).as(answer).isTrue();
            return id.group(1);
        }
    }

    @Test
    void everyHostileRequestIsAnsweredBelow500AndALegitimateCallWorksAfterwards() throws Exception {
        String session = initialize();
        List<Path> files = corpus();
        List<Replay> replays = new ArrayList<>();
        for (Path file : files) {
            replays.add(new Replay(file.getFileName().toString(), send(prepare(Files.readAllBytes(file), session))));
        }

        assertThat(files).hasSizeGreaterThanOrEqualTo(50);
        assertThat(replays)
                .as("requests without an answer within %s, or answered with 5xx", ANSWER_WITHIN)
                .allSatisfy(r -> assertThat(r.status()).as(r.file()).isBetween(200, 499));
        assertThat(replays)
                .filteredOn(r -> r.file().contains("foreign-host") || r.file().contains("foreign-origin"))
                .extracting(Replay::status)
                .containsOnly(403);
        try (AgentClient agent =
                AgentClient.connect(engine.endpoint().orElseThrow().toString(), KEY)) {
            McpSchema.CallToolResult legit = agent.call("faulty__echo", Map.of("text", "still here"));
            assertThat(legit.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(AgentClient.text(legit)).isEqualTo("still here");
        }
        assertThat(engine.audit().verify().firstBrokenId()).isEmpty();
    }
}
