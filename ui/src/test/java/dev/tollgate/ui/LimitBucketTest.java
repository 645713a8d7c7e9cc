package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Limits chart plots the engine's own token bucket for the pair, live and replayed over a range. */
@ExtendWith(ApplicationExtension.class)
class LimitBucketTest {
    private static final String KEY = "billing-key-bucket";
    private static final String PAIR = "billing-agent · crm.echo";

    @TempDir
    static Path dir;

    private final ShellFixture fixture = new ShellFixture();
    private McpTestServer crm;
    private TollgateEngine engine;
    private TollgateShell shell;

    @Start
    void start(Stage stage) throws Exception {
        crm = McpTestServer.builder().tools("echo").start();
        Path run = Files.createTempDirectory(dir, "run");
        Path file = Files.writeString(
                run.resolve("tollgate.yaml"),
                "listen: 127.0.0.1:0\n"
                        + "audit:\n  url: \"jdbc:h2:file:"
                        + run.resolve("audit").toString().replace('\\', '/') + "\"\n"
                        + "servers:\n  crm: { url: \"" + crm.url() + "\" }\n"
                        + "agents:\n  billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] }\n"
                        + "roles:\n  billing:\n    allow: [\"crm.*\"]\n    limits: { \"crm.echo\": \"5/min\" }\n");
        engine = TollgateEngine.start(new ConfigLoader().load(file));
        shell = fixture.open(stage, engine);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        engine.close();
        crm.close();
    }

    @SuppressWarnings("unchecked")
    private static Optional<XYChart.Series<Number, Number>> bucketLine(FxRobot robot) {
        LineChart<Number, Number> chart = robot.lookup("#limits-chart").queryAs(LineChart.class);
        return chart.getData().stream()
                .filter(s -> s.getName().startsWith("tokens in use"))
                .findFirst();
    }

    private static double newest(FxRobot robot) {
        List<XYChart.Data<Number, Number>> points = bucketLine(robot)
                .<List<XYChart.Data<Number, Number>>>map(XYChart.Series::getData)
                .orElse(List.of());
        return points.isEmpty() ? -1 : points.get(points.size() - 1).getYValue().doubleValue();
    }

    private int calls(int n) {
        int refused = 0;
        try (AgentClient agent = AgentClient.builder(
                        engine.endpoint().orElseThrow().toString())
                .bearer(KEY)
                .connect()) {
            for (int i = 0; i < n; i++) {
                McpSchema.CallToolResult r = agent.call("crm__echo", Map.of("text", "call " + i));
                refused += Boolean.TRUE.equals(r.isError()) ? 1 : 0;
            }
        }
        return refused;
    }

    @Test
    void theBucketFillsWithThePairsCallsUpToTheLimitLineLiveAndOverARange(FxRobot robot) {
        robot.clickOn("#nav-limits");
        assertThat(calls(3)).isZero();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.limitsModel().keys().contains(PAIR));
        robot.interact(() -> shell.limitsModel().selectedProperty().set(PAIR));

        await().atMost(Duration.ofSeconds(10)).until(() -> newest(robot) > 2);
        assertThat(bucketLine(robot).orElseThrow().getName()).isEqualTo("tokens in use (bucket of 5)");
        assertThat(newest(robot)).as("3 tokens taken, one back every 12 s").isCloseTo(3, within(0.5));

        assertThat(calls(3)).as("the sixth call finds the bucket empty").isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> newest(robot) > 4.5);
        assertThat(newest(robot)).isLessThanOrEqualTo(5);
        @SuppressWarnings("unchecked")
        LineChart<Number, Number> chart = robot.lookup("#limits-chart").queryAs(LineChart.class);
        NumberAxis y = (NumberAxis) chart.getYAxis();
        assertThat(y.getUpperBound())
                .as("zoomed to the limit: twice 5, in round steps")
                .isEqualTo(15);
        robot.clickOn("#limits-zoom");
        assertThat(y.isAutoRanging()).isTrue();
        robot.clickOn("#limits-zoom");

        Instant now = Instant.now();
        robot.interact(() -> shell.limitsModel().showRange(now.minusSeconds(120), now.plusSeconds(30)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !shell.limitsModel().liveModeProperty().get()
                        && bucketLine(robot).map(s -> s.getData().size()).orElse(0) == 300);
        double highest = bucketLine(robot).orElseThrow().getData().stream()
                .mapToDouble(d -> d.getYValue().doubleValue())
                .max()
                .orElseThrow();
        assertThat(highest)
                .as("replayed from the recorded calls: empty at the refusal")
                .isEqualTo(5);
    }
}
