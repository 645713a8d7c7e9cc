package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first line a user sees when the window cannot open names what is missing and how to install it. */
class DisplayCheckTest {
    @TempDir
    Path dir;

    @Test
    void noDisplayAndNoGtkAreNamedOnLinuxAndNothingElsewhere() throws Exception {
        Path withGtk =
                Files.write(dir.resolve("with"), "\0libgtk-3.so.0\0/usr/lib/x86_64-linux-gnu/libgtk-3.so.0".getBytes());
        Path withoutGtk = Files.write(dir.resolve("without"), "\0libgtk-x11-2.0.so.0\0".getBytes());

        assertThat(DisplayCheck.whatIsMissing("Linux", Map.of(), "", withGtk))
                .get()
                .asString()
                .startsWith("cannot open the desktop window: there is no display");
        assertThat(DisplayCheck.whatIsMissing("Linux", Map.of("DISPLAY", ":0"), "", withoutGtk))
                .get()
                .asString()
                .contains("libgtk-3.so.0")
                .contains("sudo apt-get install -y libgtk-3-0");
        assertThat(DisplayCheck.whatIsMissing("Linux", Map.of("DISPLAY", ":0"), "", withGtk))
                .isEmpty();
        assertThat(DisplayCheck.whatIsMissing("Linux", Map.of(), "Monocle", withoutGtk))
                .isEmpty();
        assertThat(DisplayCheck.whatIsMissing("Mac OS X", Map.of(), "", withoutGtk))
                .isEmpty();
    }
}
