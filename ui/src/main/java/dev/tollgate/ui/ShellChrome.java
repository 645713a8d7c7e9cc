package dev.tollgate.ui;

import dev.tollgate.ui.alerts.AlertsViewModel;
import dev.tollgate.ui.fx.NoticeArea;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The frame around the views: the menu bar, the navigation on the left (Alerts counting what is not yet
 * acknowledged), and at the bottom the notices above the status bar.
 */
final class ShellChrome {
    /** What the menus and buttons ask the shell to do. */
    record Actions(
            Consumer<Section> navigate,
            Runnable openStore,
            Runnable exportSelected,
            Runnable focusSearch,
            Runnable closeWindow,
            Consumer<Theme> setTheme) {}

    private final Map<Section, ToggleButton> navButtons = new EnumMap<>(Section.class);
    private final ToggleGroup nav = new ToggleGroup();
    private final Actions actions;

    ShellChrome(Actions actions) {
        this.actions = actions;
    }

    /** Marks the section's navigation button as the current one. */
    void select(Section section) {
        ToggleButton button = navButtons.get(section);
        if (!button.isSelected()) {
            button.setSelected(true);
        }
    }

    MenuBar menuBar(Theme theme) {
        MenuItem open = item("Open audit store…", KeyCode.O, actions.openStore());
        MenuItem close = item("Close window", KeyCode.W, actions.closeWindow());
        MenuItem export = item("Export selected calls…", KeyCode.E, actions.exportSelected());
        Menu file = new Menu("File", null, open, export, new SeparatorMenuItem(), close);

        Menu view = new Menu("View");
        for (Section s : Section.values()) {
            MenuItem item = new MenuItem(s.title());
            item.setOnAction(e -> actions.navigate().accept(s));
            view.getItems().add(item);
        }
        MenuItem find = new MenuItem("Find…");
        find.setOnAction(e -> actions.focusSearch().run());
        CheckMenuItem dark = new CheckMenuItem("Dark theme");
        dark.setSelected(theme == Theme.DARK);
        dark.selectedProperty().addListener((o, was, now) -> actions.setTheme().accept(now ? Theme.DARK : Theme.LIGHT));
        view.getItems().addAll(new SeparatorMenuItem(), find, dark);
        MenuBar bar = new MenuBar(file, view);
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    private static MenuItem item(String text, KeyCode key, Runnable action) {
        MenuItem item = new MenuItem(text);
        item.setAccelerator(new KeyCodeCombination(key, KeyCombination.SHORTCUT_DOWN));
        item.setOnAction(e -> action.run());
        return item;
    }

    Node navigation(AlertsViewModel alerts) {
        VBox box = new VBox(2);
        box.getStyleClass().add("nav");
        box.setPadding(new Insets(8, 4, 8, 4));
        for (Section s : Section.values()) {
            ToggleButton b = new ToggleButton(s.title());
            b.setId(s.navId());
            b.setToggleGroup(nav);
            b.setMaxWidth(Double.MAX_VALUE);
            b.getStyleClass().add("nav-button");
            b.setOnAction(e -> actions.navigate().accept(s));
            navButtons.put(s, b);
            if (s == Section.ALERTS) {
                b.textProperty()
                        .bind(Bindings.createStringBinding(
                                () -> alerts.unacknowledgedProperty().get() == 0
                                        ? s.title()
                                        : s.title() + " ("
                                                + alerts.unacknowledgedProperty()
                                                        .get() + ")",
                                alerts.unacknowledgedProperty()));
            }
            box.getChildren().add(b);
        }
        nav.selectedToggleProperty().addListener((o, was, now) -> {
            if (now == null && was != null) {
                was.setSelected(true);
            }
        });
        return box;
    }

    /** The notices, then the status bar: proxy endpoint and state, call rates, the store and its size. */
    Node bottom(StatusViewModel status, NoticeArea notices) {
        Label proxy = new Label();
        proxy.setId("status-proxy");
        proxy.textProperty().bind(status.proxyProperty());
        Label rates = new Label();
        rates.setId("status-rates");
        rates.textProperty().bind(status.ratesProperty());
        Label store = new Label();
        store.setId("status-store");
        store.textProperty().bind(status.storeProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(16, proxy, rates, spacer, store);
        bar.getStyleClass().add("status-bar");
        bar.setPadding(new Insets(3, 8, 3, 8));
        return new VBox(notices, bar);
    }
}
