package dev.tollgate.installers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jpackage'd launcher runs the same {@code tollgate} command line as the jar (runs under -Pinstallers). */
class AppImageLauncherTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+)/mcp)");

    @TempDir
    Path dir;

    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void theLauncherServesOnAFreePortAndAnswersOnTheAgentEndpoint() throws Exception {
        Path launcher = Path.of(System.getProperty("tollgate.launcher"));
        assertThat(launcher).isExecutable();
        Path config = dir.resolve("tollgate.yaml");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "listen: 127.0.0.1:7070",
                        "audit: { url: \"jdbc:h2:file:"
                                + dir.resolve("audit").toString().replace('\\', '/') + "\" }",
                        "servers:",
                        "  crm: { command: [" + quote(java) + ", \"-cp\", " + quote(System.getProperty("tollgate.jar"))
                                + ", \"dev.tollgate.sample.servers.SampleServerMain\", \"crm\", \"--stdio\"] }",
                        "agents:",
                        "  billing-agent: { keys: [\"launcher-test-key\"], roles: [billing] }",
                        "roles:",
                        "  billing: { allow: [\"crm.getAccount\"] }",
                        ""),
                StandardCharsets.UTF_8);

        process = new ProcessBuilder(launcher.toString(), "serve", "--port", "0", "--config", config.toString())
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> collect(process, output), "launcher-output");
        reader.setDaemon(true);
        reader.start();

        await().atMost(Duration.ofSeconds(90)).until(() -> listening(output).isPresent() || !process.isAlive());
        Matcher m = listening(output)
                .orElseThrow(() -> new AssertionError(
                        "the launcher exited without a 'listening on' line:\n" + String.join("\n", output)));
        assertThat(Integer.parseInt(m.group(2))).isPositive();

        HttpResponse<String> unauthenticated = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(m.group(1)))
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json, text/event-stream")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(unauthenticated.statusCode()).isEqualTo(401);
    }

    private static Optional<Matcher> listening(List<String> output) {
        for (String line : output) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private static void collect(Process process, List<String> output) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            in.lines().forEach(output::add);
        } catch (IOException e) {
            output.add("(reading the launcher's output failed: " + e.getMessage() + ")");
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
