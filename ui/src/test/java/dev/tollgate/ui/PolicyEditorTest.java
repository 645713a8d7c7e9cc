package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.policy.FilePolicyControl;
import dev.tollgate.policy.PolicyHolder;
import dev.tollgate.policy.PreviewReport;
import dev.tollgate.testing.TemporaryAuditStore;
import dev.tollgate.ui.policy.PolicyView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.Button;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
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
class PolicyEditorTest {
    private static final String POLICY = String.join(
            "\n",
            "listen: 127.0.0.1:0",
            "servers:",
            "  crm: { url: \"http://127.0.0.1:9/mcp\" }",
            "  payments: { url: \"http://127.0.0.1:9/mcp\" }",
            "agents:",
            "  billing-agent: { keys: [\"billing-key\"], roles: [billing] }",
            "roles:",
            "  billing:",
            "    allow: [\"crm.getAccount\", \"payments.getHistory\", \"payments.issueRefund\"]",
            "");
    /** What the editor shows: the agent's key is masked. */
    private static final String SHOWN = POLICY.replace("billing-key", "«secret-1»");

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    @TempDir
    static Path dir;

    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;
    private TollgateShell shell;
    private PolicyHolder holder;
    private final List<AuditRecord> refunds = new ArrayList<>();

    @Start
    void start(Stage stage) throws Exception {
        Path file = Files.writeString(dir.resolve("tollgate-" + System.nanoTime() + ".yaml"), POLICY);
        ConfigLoader loader = new ConfigLoader();
        engine = new TestEngine(audit.store(), Optional.empty());
        holder = PolicyHolder.load(file, loader, engine.events(), Clock.systemUTC());
        engine.usePolicy(new FilePolicyControl(holder, loader, audit.store(), ref -> ToolAnnotations.NONE));
        Instant t0 = Instant.now().minusSeconds(600);
        for (int i = 0; i < 3; i++) {
            refunds.add(engine.record(
                    "billing-agent",
                    "payments.issueRefund",
                    "{\"orderId\":\"O-" + i + "\"}",
                    t0.plusSeconds(i * 10L),
                    "mcp-1",
                    Optional.empty(),
                    false));
            engine.record(
                    "billing-agent",
                    "crm.getAccount",
                    "{\"id\":\"A-" + i + "\"}",
                    t0.plusSeconds(i * 10L + 5),
                    "mcp-1",
                    Optional.empty(),
                    false);
        }
        shell = fixture.open(stage, engine);
        shell.navigate(Section.POLICY);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        holder.close();
        engine.close();
    }

    private PolicyView view() {
        return (PolicyView) shell.view(Section.POLICY);
    }

    private Button save(FxRobot robot) {
        return robot.lookup("#policy-save").queryButton();
    }

    @Test
    void typingAnInvalidRuleShowsTheErrorAtItsLineAndDisablesSave(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> view().editor().getText().equals(SHOWN));
        robot.clickOn("#policy-editor");
        robot.interact(
                () -> view().editor().moveTo(8, view().editor().getParagraph(8).length()));
        robot.write("\n    deny: [\"payments\"]");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !shell.policyModel().orElseThrow().problems().isEmpty()
                        && !shell.policyModel().orElseThrow().checkingProperty().get());
        @SuppressWarnings("unchecked")
        ListView<Object> problems = robot.lookup("#policy-problems").queryAs(ListView.class);
        assertThat(problems.getItems()).hasSize(1);
        assertThat(shell.policyModel().orElseThrow().problems().get(0).line()).isEqualTo(10);
        assertThat(shell.policyModel().orElseThrow().problems().get(0).detail()).contains("must name server.tool");
        assertThat(view().lineMarked(10)).isTrue();
        assertThat(view().lineMarked(9)).isFalse();
        assertThat(save(robot).isDisabled()).isTrue();

        robot.interact(() -> view().editor().replaceText(SHOWN.replace("]\n", ", \"crm.updateAccount\"]\n")));

        await().atMost(Duration.ofSeconds(10)).until(() -> !save(robot).isDisabled());
        assertThat(view().lineMarked(10)).isFalse();
    }

    @Test
    void aPolicyThatDeniesRefundsShowsTheRecordedRefundsInThePreview(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> view().editor().getText().equals(SHOWN));

        robot.interact(() -> view().editor().replaceText(SHOWN + "    deny: [\"payments.issueRefund\"]\n"));

        await().atMost(Duration.ofSeconds(15))
                .until(() -> shell.policyModel()
                        .orElseThrow()
                        .reportProperty()
                        .get()
                        .map(r -> r.allowedToBlocked() == 3)
                        .orElse(false));
        @SuppressWarnings("unchecked")
        TableView<PreviewReport.ChangeCount> counts =
                robot.lookup("#preview-counts").queryAs(TableView.class);
        assertThat(counts.getItems()).singleElement().satisfies(c -> {
            assertThat(c.agentId()).isEqualTo("billing-agent");
            assertThat(c.tool()).isEqualTo("payments.issueRefund");
            assertThat(c.allowedToBlocked()).isEqualTo(3);
        });

        robot.interact(() -> counts.getSelectionModel().select(0));
        @SuppressWarnings("unchecked")
        ListView<PreviewReport.ChangedCall> changes =
                robot.lookup("#preview-changes").queryAs(ListView.class);
        assertThat(changes.getItems())
                .extracting(PreviewReport.ChangedCall::recordId)
                .containsExactlyInAnyOrderElementsOf(
                        refunds.stream().map(AuditRecord::id).toList());
        assertThat(shell.policyModel().orElseThrow().diff().stream().map(Object::toString))
                .contains("+     deny: [\"payments.issueRefund\"]");
        assertThat(save(robot).isDisabled()).isFalse();
    }

    @Test
    void saveShowsTheDiffAndAppliesThePolicy(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> view().editor().getText().equals(SHOWN));
        String candidate = POLICY + "    deny: [\"payments.issueRefund\"]\n";
        robot.interact(() -> view().editor().replaceText(SHOWN + "    deny: [\"payments.issueRefund\"]\n"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !save(robot).isDisabled());
        String added = "    deny: [\"payments.issueRefund\"]";

        robot.clickOn("Diff vs running");
        robot.clickOn(robot.lookup("#policy-diff .list-cell")
                .lookup((ListCell<String> c) ->
                        c.getItem() != null && c.getItem().startsWith("@@"))
                .queryAs(ListCell.class));
        assertThat(view().editor().getSelectedText())
                .as("selecting the hunk selects its lines")
                .isEqualTo(added);

        robot.interact(() -> view().editor().moveTo(0));
        robot.clickOn("#policy-save");
        robot.clickOn("Apply");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> holder.get().config().text().equals(candidate));
        await().atMost(Duration.ofSeconds(5)).until(() -> save(robot).isDisabled());
        assertThat(view().editor().getSelectedText())
                .as("Apply leaves the change selected")
                .isEqualTo(added);
        int caretLine = view().editor().getCurrentParagraph();
        assertThat(caretLine).as("line 10, the added one").isEqualTo(9);
        assertThat(caretLine)
                .isBetween(
                        view().editor().firstVisibleParToAllParIndex(),
                        view().editor().lastVisibleParToAllParIndex());
    }

    @Test
    void secretsAreMaskedAndTheUneditedPolicyPreviewsNoChange(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> view().editor().getText().equals(SHOWN)
                        && shell.policyModel()
                                .orElseThrow()
                                .reportProperty()
                                .get()
                                .isPresent());

        assertThat(view().editor().getText()).doesNotContain("billing-key");
        PreviewReport report =
                shell.policyModel().orElseThrow().reportProperty().get().orElseThrow();
        assertThat(report.allowedToBlocked() + report.blockedToAllowed()).isZero();
        assertThat(save(robot).isDisabled()).isTrue();
    }

    @Test
    void anExternalEditReloadsAnUneditedEditorAndIsMergedNotOverwrittenWhenEditing(FxRobot robot) throws Exception {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> view().editor().getText().equals(SHOWN));
        Path file = holder.file().orElseThrow();
        String limited = POLICY + "    limits: { \"payments.issueRefund\": \"10/min\" }\n";
        Files.writeString(file, limited);
        holder.reload();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> view().editor().getText().contains("10/min"));

        String deny = "    deny: [\"payments.updatePaymentMethod\"]\n";
        robot.interact(() -> view().editor().replaceText(view().editor().getText() + deny));
        await().atMost(Duration.ofSeconds(10)).until(() -> !save(robot).isDisabled());
        String tightened = limited.replace("10/min", "5/min");
        Files.writeString(file, tightened);
        holder.reload();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> robot.lookup("#policy-external-change").query().isVisible());
        assertThat(save(robot).isDisabled()).isTrue();
        assertThat(view().editor().getText()).contains("10/min").contains("payments.updatePaymentMethod");

        robot.clickOn("#policy-merge");
        await().atMost(Duration.ofSeconds(10)).until(() -> !save(robot).isDisabled());
        assertThat(view().editor().getText())
                .contains("5/min")
                .doesNotContain("10/min")
                .contains("payments.updatePaymentMethod");
        robot.clickOn("#policy-save");
        robot.clickOn("Apply");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(file).equals(tightened + deny));
        assertThat(holder.get().config().text()).isEqualTo(tightened + deny);
    }

    @Test
    void saveNeverWritesOverAChangeTheEditorHasNotSeenYet(FxRobot robot) throws Exception {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> view().editor().getText().equals(SHOWN));
        robot.interact(() -> view().editor().replaceText(SHOWN + "    deny: [\"payments.issueRefund\"]\n"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !save(robot).isDisabled());
        Path file = holder.file().orElseThrow();
        String external = POLICY.replace("payments.getHistory", "payments.listCharges");
        Files.writeString(file, external);

        robot.clickOn("#policy-save");
        robot.clickOn("Apply");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.policyModel()
                        .orElseThrow()
                        .messageProperty()
                        .get()
                        .contains("changed on disk"));
        assertThat(Files.readString(file)).isEqualTo(external);
    }
}
