package dev.tollgate.ui.fx;

import javafx.animation.PauseTransition;
import javafx.beans.value.ObservableStringValue;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * Notices (an incident, a call held for approval, an export written) as rows in the window's layout, just above
 * the status bar: unlike popups they never cover the status bar or a chart's axis, since the view above gives
 * them room. Each row has its action (a click on the row or its button) and a close button; at most
 * {@link #MAX_SHOWN} are shown, the newest on top.
 */
public final class NoticeArea extends VBox {
    public static final int MAX_SHOWN = 3;

    /** How a notice reads: a warning (incident) or information. */
    public enum Kind {
        WARNING,
        INFO
    }

    /** One shown notice; {@link #dismiss()} takes it away. */
    public final class Notice {
        private final HBox row;

        private Notice(HBox row) {
            this.row = row;
        }

        public void dismiss() {
            getChildren().remove(row);
        }

        public boolean isShowing() {
            return getChildren().contains(row);
        }

        /** Goes away by itself once {@code activity} has not changed for {@code quiet} (a storm that ended). */
        public void dismissWhenQuiet(ObservableValue<?> activity, Duration quiet) {
            PauseTransition timer = new PauseTransition(quiet);
            timer.setOnFinished(e -> dismiss());
            activity.addListener((o, was, now) -> timer.playFromStart());
            timer.play();
        }
    }

    public NoticeArea() {
        getStyleClass().add("notice-area");
        setId("notices");
        managedProperty().bind(visibleProperty());
        visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(getChildren()));
    }

    /** Shows a notice until it is closed or acted on; the text may change while it shows (a growing incident). */
    public Notice show(Kind kind, String title, ObservableStringValue text, String actionLabel, Runnable action) {
        Label heading = new Label(title);
        heading.getStyleClass().add("notice-title");
        heading.setMinWidth(Label.USE_PREF_SIZE);
        Label body = new Label();
        body.getStyleClass().add("notice-text");
        body.textProperty().bind(text);
        body.setMaxWidth(Double.MAX_VALUE);
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(text);
        body.setTooltip(tip);
        HBox.setHgrow(body, Priority.ALWAYS);
        Button act = new Button(actionLabel);
        act.getStyleClass().add("notice-action");
        act.setMinWidth(Button.USE_PREF_SIZE);
        Button close = new Button("×");
        close.getStyleClass().add("notice-close");
        close.setMinWidth(Button.USE_PREF_SIZE);
        close.setTooltip(new Tooltip("Dismiss"));
        HBox row = new HBox(8, heading, body, act, close);
        row.getStyleClass().addAll("notice", kind == Kind.WARNING ? "notice-warning" : "notice-info");
        row.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        Notice notice = new Notice(row);
        Runnable run = () -> {
            notice.dismiss();
            action.run();
        };
        act.setOnAction(e -> run.run());
        body.setOnMouseClicked(e -> run.run());
        heading.setOnMouseClicked(e -> run.run());
        close.setOnAction(e -> notice.dismiss());
        getChildren().add(0, row);
        if (getChildren().size() > MAX_SHOWN) {
            getChildren().remove(MAX_SHOWN, getChildren().size());
        }
        return notice;
    }

    /** Shows a notice that also goes away by itself after {@code shownFor}. */
    public Notice showFor(
            Kind kind,
            String title,
            ObservableStringValue text,
            String actionLabel,
            Runnable action,
            Duration shownFor) {
        Notice notice = show(kind, title, text, actionLabel, action);
        PauseTransition later = new PauseTransition(shownFor);
        later.setOnFinished(e -> notice.dismiss());
        later.play();
        return notice;
    }
}
