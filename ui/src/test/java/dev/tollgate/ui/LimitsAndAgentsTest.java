package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.policy.FilePolicyControl;
import dev.tollgate.policy.PolicyHolder;
import dev.tollgate.testing.TemporaryAuditStore;
import dev.tollgate.ui.agents.UsageRow;
import dev.tollgate.ui.limits.LimitsViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class LimitsAndAgentsTest {
    private static final String POLICY = String.join(
            "\n",
            "servers:",
            "  payments: { url: \"http://127.0.0.1:9/mcp\" }",
            "agents:",
            "  billing-agent: { keys: [\"k\"], roles: [billing] }",
            "roles:",
            "  billing:",
            "    allow: [\"payments.*\"]",
            "    limits: { \"payments.issueRefund\": \"12/min\", \"*\": \"600/min\" }",
            "");
    private static final String KEY = "billing-agent · payments.issueRefund";

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    @TempDir
    static Path dir;

    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;
    private PolicyHolder holder;
    private TollgateShell shell;

    @Start
    void start(Stage stage) throws Exception {
        Path file = Files.writeString(dir.resolve("limits-" + System.nanoTime() + ".yaml"), POLICY);
        ConfigLoader loader = new ConfigLoader();
        engine = new TestEngine(audit.store(), Optional.empty());
        holder = PolicyHolder.load(file, loader, engine.events(), Clock.systemUTC());
        engine.usePolicy(new FilePolicyControl(holder, loader, audit.store(), ref -> ToolAnnotations.NONE));
        Instant recent = Instant.now().minusSeconds(30);
        for (int i = 0; i < 4; i++) {
            engine.record("billing-agent", "payments.issueRefund", "{}", recent, "s", Optional.empty(), i >= 2);
        }
        engine.record("billing-agent", "payments.getHistory", "{}", recent, "s", Optional.empty(), false);
        shell = fixture.open(stage, engine);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        holder.close();
        engine.close();
    }

    @Test
    void limitsChartShowsTheLastFiveMinutesInTheLimitsUnitAgainstTheConfiguredLimit(FxRobot robot) {
        robot.clickOn("#nav-limits");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.limitsModel().keys().contains(KEY));

        robot.interact(() -> shell.limitsModel().selectedProperty().set(KEY));

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            LimitsViewModel.Series s = shell.limitsModel().seriesProperty().get();
            return s != null
                    && Arrays.stream(s.allowed()).max().orElse(0) == 2
                    && Arrays.stream(s.blocked()).max().orElse(0) == 2
                    && s.limit().isPresent();
        });
        assertThat(shell.limitsModel().seriesProperty().get().limit().getAsDouble())
                .isEqualTo(12);
        assertThat(shell.limitsModel().seriesProperty().get().unit()).isEqualTo("minute");
        @SuppressWarnings("unchecked")
        LineChart<Number, Number> chart = robot.lookup("#limits-chart").queryAs(LineChart.class);
        XYChart.Series<Number, Number> limitLine = chart.getData().stream()
                .filter(s -> s.getName().startsWith("limit"))
                .findFirst()
                .orElseThrow();
        assertThat(limitLine.getData())
                .allSatisfy(d -> assertThat(d.getYValue().doubleValue()).isEqualTo(12));
        assertThat(limitLine.getName()).contains("12/min");
        assertThat(chart.getYAxis().getLabel()).startsWith("calls per minute");

        engine.call("billing-agent", "payments.issueRefund", "{}", true);
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        Arrays.stream(shell.limitsModel().seriesProperty().get().blocked())
                                        .max()
                                        .orElse(0)
                                == 3);
    }

    @Test
    void agentsViewCountsToolsUsedNeverUsedAndErrors(FxRobot robot) {
        robot.clickOn("#nav-agents");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.agentsModel().rows().size() == 1);
        UsageRow row = shell.agentsModel().rows().get(0);
        assertThat(row.agentId()).isEqualTo("billing-agent");
        assertThat(row.server()).isEqualTo("payments");
        assertThat(row.calls()).isEqualTo(5);
        assertThat(row.blocked()).isEqualTo(2);
        assertThat(row.toolsUsed()).isEqualTo(2);
        assertThat(row.neverUsed()).hasValue(1);
        assertThat(row.tools()).extracting(UsageRow.ToolUsage::tool).containsExactly("issueRefund", "getHistory");
    }

    @Test
    void agentsViewSaysCountingWhileCountingAndEmptyOnlyOnceTheCountIsIn(FxRobot robot) {
        robot.clickOn("#nav-agents");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !shell.agentsModel().countingProperty().get());
        Label usage = robot.lookup("#usage-table").queryTableView().getPlaceholder() instanceof Label l ? l : null;
        Label upstream =
                robot.lookup("#upstream-table").queryTableView().getPlaceholder() instanceof Label l ? l : null;

        AtomicReference<String> whileCounting = new AtomicReference<>();
        robot.interact(() -> {
            shell.agentsModel().refresh();
            whileCounting.set(usage.getText() + " | " + upstream.getText());
        });
        assertThat(whileCounting.get()).isEqualTo("Counting… | Counting…");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !shell.agentsModel().countingProperty().get());
        assertThat(upstream.getText()).isEqualTo("No upstream servers (opened read-only).");
        assertThat(usage.getText()).isEqualTo("No calls in this range.");
    }

    @Test
    void blockedCallsAreStackedByCauseAndBreakerTripsAreMarked(FxRobot robot) {
        robot.clickOn("#nav-limits");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.limitsModel().keys().contains(KEY));
        robot.interact(() -> shell.limitsModel().selectedProperty().set(KEY));
        for (int i = 0; i < 3; i++) {
            engine.callBlocked(
                    "billing-agent", "payments.issueRefund", BlockReason.RATE_LIMIT, "limit role billing 12/min");
        }
        for (int i = 0; i < 4; i++) {
            engine.callBlocked(
                    "billing-agent", "payments.issueRefund", BlockReason.LOOP_BREAKER, "loop breaker 5 in 10s");
        }
        engine.call("billing-agent", "payments.issueRefund", "{}", false);
        for (int i = 0; i < 2; i++) {
            engine.callBlocked(
                    "billing-agent", "payments.issueRefund", BlockReason.LOOP_BREAKER, "loop breaker 5 in 10s");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            LimitsViewModel.Series s = shell.limitsModel().seriesProperty().get();
            return s != null
                    && s.breakerTrips().size() == 2
                    && max(s.blockedByCause().get(LimitsViewModel.Cause.BREAKER)) == 6;
        });
        LimitsViewModel.Series s = shell.limitsModel().seriesProperty().get();
        assertThat(max(s.blockedByCause().get(LimitsViewModel.Cause.LIMIT))).isEqualTo(3);
        assertThat(max(s.blockedByCause().get(LimitsViewModel.Cause.RULE))).isEqualTo(2);
        assertThat(max(s.blocked())).isEqualTo(11);

        @SuppressWarnings("unchecked")
        LineChart<Number, Number> chart = robot.lookup("#limits-chart").queryAs(LineChart.class);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> series(chart, "breaker trips").getData().size() == 6);
        assertThat(series(chart, "breaker trips").getName()).isEqualTo("breaker trips (2)");
        assertThat(series(chart, "blocked by limit + breaker + rule").getData())
                .extracting(d -> d.getYValue().doubleValue())
                .contains(11.0);
        assertThat(series(chart, "blocked by limit + breaker").getData())
                .extracting(d -> d.getYValue().doubleValue())
                .contains(9.0)
                .doesNotContain(11.0);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }

    /** The series named {@code name}, or, for the trips, named {@code name} and its count in brackets. */
    private static XYChart.Series<Number, Number> series(LineChart<Number, Number> chart, String name) {
        return chart.getData().stream()
                .filter(s -> s.getName().equals(name) || s.getName().startsWith(name + " ("))
                .findFirst()
                .orElseThrow();
    }
}
