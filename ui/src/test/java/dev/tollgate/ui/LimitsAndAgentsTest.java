package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigLoader;
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
import javafx.scene.chart.LineChart;
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
    private static final String POLICY = String.join("\n",
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
        await().atMost(Duration.ofSeconds(10)).until(() -> shell.limitsModel().keys().contains(KEY));

        robot.interact(() -> shell.limitsModel().selectedProperty().set(KEY));

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            LimitsViewModel.Series s = shell.limitsModel().seriesProperty().get();
            return s != null && Arrays.stream(s.allowed()).max().orElse(0) == 2
                    && Arrays.stream(s.blocked()).max().orElse(0) == 2 && s.limit().isPresent();
        });
        assertThat(shell.limitsModel().seriesProperty().get().limit().getAsDouble()).isEqualTo(12);
        assertThat(shell.limitsModel().seriesProperty().get().unit()).isEqualTo("minute");
        @SuppressWarnings("unchecked")
        LineChart<Number, Number> chart = robot.lookup("#limits-chart").queryAs(LineChart.class);
        assertThat(chart.getData().get(2).getData()).allSatisfy(d -> assertThat(d.getYValue().doubleValue()).isEqualTo(12));
        assertThat(chart.getData().get(2).getName()).contains("12/min");
        assertThat(chart.getYAxis().getLabel()).startsWith("calls per minute");

        engine.call("billing-agent", "payments.issueRefund", "{}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> Arrays.stream(shell.limitsModel().seriesProperty().get().blocked())
                .max().orElse(0) == 3);
    }

    @Test
    void agentsViewCountsToolsUsedNeverUsedAndErrors(FxRobot robot) {
        robot.clickOn("#nav-agents");

        await().atMost(Duration.ofSeconds(10)).until(() -> shell.agentsModel().rows().size() == 1);
        UsageRow row = shell.agentsModel().rows().get(0);
        assertThat(row.agentId()).isEqualTo("billing-agent");
        assertThat(row.server()).isEqualTo("payments");
        assertThat(row.calls()).isEqualTo(5);
        assertThat(row.blocked()).isEqualTo(2);
        assertThat(row.toolsUsed()).isEqualTo(2);
        assertThat(row.neverUsed()).hasValue(1);
        assertThat(row.tools()).extracting(UsageRow.ToolUsage::tool).containsExactly("issueRefund", "getHistory");
    }
}
