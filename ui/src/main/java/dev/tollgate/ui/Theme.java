package dev.tollgate.ui;

import javafx.scene.Scene;

/** Light or dark look; both share {@code tollgate.css} and add their own colour palette. */
public enum Theme {
    LIGHT("light.css"),
    DARK("dark.css");

    private final String sheet;

    Theme(String sheet) {
        this.sheet = sheet;
    }

    public void applyTo(Scene scene) {
        scene.getStylesheets()
                .setAll(
                        Theme.class.getResource("tollgate.css").toExternalForm(),
                        Theme.class.getResource(sheet).toExternalForm());
    }
}
