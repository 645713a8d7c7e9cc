package dev.tollgate.ui.security;

import dev.tollgate.approval.ApprovalDesk;
import dev.tollgate.approval.HeldCall;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.json.Json;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The calls held for a person: what each is (agent, user, conversation, arguments, the rule that held it), and
 * approving or denying the selected one with a note. Follows the engine's approval events, so calls answered
 * elsewhere (the command line, the timeout) leave the list by themselves.
 */
public final class ApprovalsViewModel {
    private final ApprovalDesk desk;
    private final String operator;
    private final ObservableList<HeldCall> held = FXCollections.observableArrayList();
    private final ObjectProperty<HeldCall> selected = new SimpleObjectProperty<>();
    private final StringProperty note = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private Consumer<HeldCall> prompt = call -> {};

    /** {@code operator} is who the audit record names for answers given here. */
    public ApprovalsViewModel(ApprovalDesk desk, String operator) {
        this.desk = desk;
        this.operator = operator;
        held.setAll(desk.pending());
    }

    public ObservableList<HeldCall> held() {
        return held;
    }

    public ObjectProperty<HeldCall> selectedProperty() {
        return selected;
    }

    public StringProperty noteProperty() {
        return note;
    }

    public StringProperty messageProperty() {
        return message;
    }

    /** How a newly held call is brought to the operator's attention (the shell shows a notification). */
    public void setPrompt(Consumer<HeldCall> prompt) {
        this.prompt = prompt;
    }

    public void onEvents(List<EngineEvent> batch) {
        for (EngineEvent e : batch) {
            if (e instanceof EngineEvent.ApprovalRequested requested) {
                held.add(requested.call());
                if (selected.get() == null) {
                    selected.set(requested.call());
                }
                prompt.accept(requested.call());
            } else if (e instanceof EngineEvent.ApprovalAnswered answered) {
                held.removeIf(c -> c.id().equals(answered.call().id()));
                if (selected.get() != null
                        && selected.get().id().equals(answered.call().id())) {
                    selected.set(held.isEmpty() ? null : held.get(0));
                }
                message.set(answered.call().tool() + " (" + answered.call().id() + ") "
                        + answered.answer().describe());
            }
        }
    }

    /** The selected call as the prompt shows it. */
    public static String describe(HeldCall call) {
        return "Agent: " + call.agentId() + "\n"
                + "User: " + call.user().orElse("-") + "\n"
                + "Conversation: " + call.conversationId().orElse("-") + "\n"
                + "Tool: " + call.tool() + "\n"
                + "Arguments: " + Json.pretty(call.arguments()) + "\n"
                + "Held by: " + call.rule() + " (" + call.ruleSource() + ")\n"
                + "Denied automatically at: " + call.deadline();
    }

    public void approveSelected() {
        answer(true);
    }

    public void denySelected() {
        answer(false);
    }

    private void answer(boolean approved) {
        HeldCall call = selected.get();
        if (call == null) {
            return;
        }
        if (!desk.answer(call.id(), approved, operator, note.get())) {
            message.set(call.id() + " was already answered.");
        }
        note.set("");
    }
}
