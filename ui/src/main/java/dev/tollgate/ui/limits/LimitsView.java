package dev.tollgate.ui.limits;

import dev.tollgate.ui.export.Exporter;
import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

/** Allowed and blocked calls against the configured limit line, in the limit's unit, for one agent and tool. */
public final class LimitsView extends BorderPane {
    private static final DateTimeFormatter TICK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final NumberAxis x = new NumberAxis();
    private final NumberAxis y = new NumberAxis();
    private final LineChart<Number, Number> chart = new LineChart<>(x, y);
    private final XYChart.Series<Number, Number> allowed = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> limit = new XYChart.Series<>();
    /** Blocked calls stacked by cause: each line is the sum of its cause and those below it (limit, breaker, rule). */
    private final List<XYChart.Series<Number, Number>> stacked = new ArrayList<>();
    /** Breaker trips drawn as vertical markers: the line rises to the top at each trip and runs along zero between. */
    private final XYChart.Series<Number, Number> trips = new XYChart.Series<>();
    /** Tokens in use in the limit's bucket: it reaches the limit line when the bucket is empty. */
    private final XYChart.Series<Number, Number> bucket = new XYChart.Series<>();

    private final ToggleButton zoom = new ToggleButton("Zoom to limit");

    public LimitsView(LimitsViewModel model) {
        getStyleClass().add("limits-view");
        ComboBox<String> key = new ComboBox<>(model.keys());
        key.setId("limits-key");
        key.valueProperty().bindBidirectional(model.selectedProperty());
        key.setPrefWidth(300);

        TextField from = new TextField(LocalDateTime.now().minusHours(1).format(INPUT));
        TextField to = new TextField(LocalDateTime.now().format(INPUT));
        from.setPrefColumnCount(10);
        to.setPrefColumnCount(10);
        Button range = new Button("Show range");
        range.setOnAction(e -> {
            try {
                model.showRange(parse(from.getText()), parse(to.getText()));
            } catch (DateTimeParseException ex) {
                from.getStyleClass().add("error-text");
            }
        });
        Button liveButton = new Button("Live");
        liveButton.setOnAction(e -> model.showLive());
        Button png = new Button("Save PNG…");
        png.setId("limits-png");
        png.setOnAction(e -> savePng());
        Label message = new Label();
        message.getStyleClass().add("muted");
        message.textProperty().bind(model.messageProperty());
        Label title = new Label("Limits");
        title.getStyleClass().add("section-title");
        zoom.setId("limits-zoom");
        zoom.setSelected(true);
        zoom.setTooltip(new Tooltip("Scale the axis to the limit, so the calls it let through and its bucket read"
                + " clearly (a storm's blocked calls run off the top); off: fit every line"));
        zoom.selectedProperty()
                .addListener((o, was, now) -> show(model.seriesProperty().get()));
        for (ButtonBase b : new ButtonBase[] {range, liveButton, png, zoom}) {
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        Label fromLabel = new Label("From");
        Label toLabel = new Label("to");
        // Only the message gives way on a narrow window: every control keeps its label.
        for (Region r : new Region[] {title, key, fromLabel, from, toLabel, to}) {
            r.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox bar = new HBox(6, title, key, liveButton, fromLabel, from, toLabel, to, range, zoom, png, message);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6));
        setTop(bar);

        chart.setId("limits-chart");
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        x.setAutoRanging(false);
        x.setForceZeroInRange(false);
        x.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return TICK.format(Instant.ofEpochSecond(n.longValue()));
            }

            @Override
            public Number fromString(String s) {
                return 0;
            }
        });
        y.setLabel("calls per second");
        allowed.setName("allowed");
        limit.setName("limit");
        trips.setName("breaker trips");
        for (LimitsViewModel.Cause cause : LimitsViewModel.Cause.values()) {
            stacked.add(new XYChart.Series<>());
        }
        for (int i = 0; i < LimitsViewModel.POINTS; i++) {
            allowed.getData().add(new XYChart.Data<>(i, 0));
            for (XYChart.Series<Number, Number> band : stacked) {
                band.getData().add(new XYChart.Data<>(i, 0));
            }
        }
        chart.getData().add(allowed);
        chart.getData().add(limit);
        chart.getData().addAll(stacked);
        chart.getData().add(trips);
        bucket.setName("bucket in use");
        chart.getData().add(bucket);
        setCenter(chart);
        model.seriesProperty().addListener((o, was, now) -> show(now));
    }

    public LineChart<Number, Number> chart() {
        return chart;
    }

    private void show(LimitsViewModel.Series s) {
        if (s == null) {
            return;
        }
        long start = s.start().getEpochSecond();
        double step = s.bucket().toMillis() / 1000.0;
        for (int i = 0; i < LimitsViewModel.POINTS; i++) {
            double at = start + i * step;
            XYChart.Data<Number, Number> c = allowed.getData().get(i);
            c.setXValue(at);
            c.setYValue(s.allowed()[i]);
            double sum = 0;
            for (LimitsViewModel.Cause cause : LimitsViewModel.Cause.values()) {
                sum += s.blockedByCause().get(cause)[i];
                XYChart.Data<Number, Number> b =
                        stacked.get(cause.ordinal()).getData().get(i);
                b.setXValue(at);
                b.setYValue(sum);
            }
        }
        double end = start + LimitsViewModel.POINTS * step;
        y.setLabel("calls per " + s.unit() + (s.unit().equals("second") ? "" : " (trailing " + s.unit() + ")"));
        allowed.setName("allowed per " + s.unit());
        String below = "";
        for (LimitsViewModel.Cause cause : LimitsViewModel.Cause.values()) {
            below = below.isEmpty()
                    ? cause.name().toLowerCase(Locale.ROOT)
                    : below + " + " + cause.name().toLowerCase(Locale.ROOT);
            stacked.get(cause.ordinal()).setName("blocked by " + below);
        }
        double top = Math.max(1, Math.max(s.limit().orElse(0), Math.max(max(s.allowed()), max(s.blocked()))));
        List<XYChart.Data<Number, Number>> marks = new ArrayList<>();
        for (Instant trip : s.breakerTrips()) {
            double t = trip.toEpochMilli() / 1000.0;
            marks.add(new XYChart.Data<>(t, 0));
            marks.add(new XYChart.Data<>(t, top));
            marks.add(new XYChart.Data<>(t, 0));
        }
        trips.getData().setAll(marks);
        showBucket(s, start, step);
        scaleY(s);
        trips.setName("breaker trips (" + s.breakerTrips().size() + ")");
        x.setLowerBound(start);
        x.setUpperBound(end);
        x.setTickUnit(Math.max(1, (end - start) / 6));
        if (s.limit().isPresent()) {
            double l = s.limit().getAsDouble();
            if (limit.getData().size() != 2) {
                limit.getData().setAll(new XYChart.Data<>(start, l), new XYChart.Data<>(end, l));
            } else {
                limit.getData().get(0).setXValue(start);
                limit.getData().get(0).setYValue(l);
                limit.getData().get(1).setXValue(end);
                limit.getData().get(1).setYValue(l);
            }
            limit.setName("limit " + s.limitName());
        } else if (!limit.getData().isEmpty()) {
            limit.getData().clear();
            limit.setName("limit (none configured)");
        }
    }

    /**
     * Zoomed (the default when there is a limit): up to twice the limit, or higher when the allowed calls or the
     * bucket go higher, in round steps; otherwise the axis fits every line.
     */
    private void scaleY(LimitsViewModel.Series s) {
        if (!zoom.isSelected() || s.limit().isEmpty()) {
            y.setAutoRanging(true);
            return;
        }
        double wanted = Math.max(2 * s.limit().getAsDouble(), Math.max(max(s.allowed()), max(s.bucketInUse()))) * 1.1;
        double tick = wanted <= 10 ? 1 : wanted <= 50 ? 5 : wanted <= 200 ? 20 : wanted <= 1_000 ? 100 : 1_000;
        y.setAutoRanging(false);
        y.setLowerBound(0);
        y.setUpperBound(Math.ceil(wanted / tick) * tick);
        y.setTickUnit(tick);
    }

    /** Only the points where the level is known: live, the seconds sampled since the window opened. */
    private void showBucket(LimitsViewModel.Series s, long start, double step) {
        List<XYChart.Data<Number, Number>> known = new ArrayList<>();
        double[] inUse = s.bucketInUse();
        for (int i = 0; i < inUse.length; i++) {
            if (!Double.isNaN(inUse[i])) {
                known.add(new XYChart.Data<>(start + (i + 1) * step, inUse[i]));
            }
        }
        bucket.getData().setAll(known);
        bucket.setName(
                s.limit().isPresent()
                        ? "tokens in use (bucket of " + (long) s.limit().getAsDouble() + ")"
                        : "tokens in use (no limit)");
    }

    /** The largest value, unknown (NaN) points left out. */
    private static double max(double[] values) {
        double m = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                m = Math.max(m, v);
            }
        }
        return m;
    }

    private static Instant parse(String text) {
        return LocalDateTime.parse(text.trim(), INPUT)
                .atZone(ZoneId.systemDefault())
                .toInstant();
    }

    private void savePng() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save chart as PNG");
        chooser.setInitialFileName("limits.png");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
        File file = chooser.showSaveDialog(getScene().getWindow());
        if (file != null) {
            try {
                Exporter.writePng(chart, file.toPath());
            } catch (IOException e) {
                new javafx.scene.control.Alert(
                                javafx.scene.control.Alert.AlertType.ERROR, "Could not save: " + e.getMessage())
                        .show();
            }
        }
    }
}
