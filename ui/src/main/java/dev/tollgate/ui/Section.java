package dev.tollgate.ui;

import javafx.scene.input.KeyCode;

/** The main window's navigation targets, in the order of the left bar and their Ctrl+digit shortcuts. */
public enum Section {
    LIVE("Live", KeyCode.DIGIT1),
    REPLAY("Replay", KeyCode.DIGIT2),
    POLICY("Policy", KeyCode.DIGIT3),
    LIMITS("Limits", KeyCode.DIGIT4),
    AGENTS("Agents & Servers", KeyCode.DIGIT5),
    ALERTS("Alerts", KeyCode.DIGIT6),
    SECURITY("Approvals & Pins", KeyCode.DIGIT7);

    private final String title;
    private final KeyCode key;

    Section(String title, KeyCode key) {
        this.title = title;
        this.key = key;
    }

    public String title() {
        return title;
    }

    public KeyCode key() {
        return key;
    }

    /** Node id of the navigation button, for tests and CSS. */
    public String navId() {
        return "nav-" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
