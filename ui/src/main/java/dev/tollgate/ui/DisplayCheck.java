package dev.tollgate.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Says, before JavaFX tries (and prints pages of errors), what keeps the desktop window from opening on this
 * machine: no display, or no GTK 3 library on Linux. One sentence that names the fix.
 */
public final class DisplayCheck {
    private static final Path LINKER_CACHE = Path.of("/etc/ld.so.cache");
    private static final String GTK3 = "libgtk-3.so.0";

    private DisplayCheck() {}

    /** Empty when a window can be tried; otherwise what is missing and how to get it. */
    public static Optional<String> whatIsMissing() {
        return whatIsMissing(
                System.getProperty("os.name", ""),
                System.getenv(),
                System.getProperty("glass.platform", ""),
                LINKER_CACHE);
    }

    static Optional<String> whatIsMissing(String os, Map<String, String> env, String glassPlatform, Path linkerCache) {
        if (!os.toLowerCase(Locale.ROOT).contains("linux") || glassPlatform.equalsIgnoreCase("Monocle")) {
            return Optional.empty();
        }
        if (blank(env.get("DISPLAY")) && blank(env.get("WAYLAND_DISPLAY"))) {
            return Optional.of(
                    "cannot open the desktop window: there is no display (DISPLAY is not set). Run it in a"
                            + " desktop session, under xvfb-run, or without a window: 'tollgate demo --headless', 'tollgate serve'.");
        }
        if (Files.isReadable(linkerCache) && !mentions(linkerCache, GTK3)) {
            return Optional.of(
                    "cannot open the desktop window: the GTK 3 library (" + GTK3 + ") is missing. Install it"
                            + " with 'sudo apt-get install -y libgtk-3-0' (Debian, Ubuntu) or 'sudo dnf install -y gtk3' (Fedora).");
        }
        return Optional.empty();
    }

    private static boolean mentions(Path file, String name) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(name);
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
