package dev.tollgate.shadow;

import dev.tollgate.config.ConfigException;
import java.nio.file.Path;

/** What the desktop app may do with a running shadow candidate: name it, and promote it in one action. */
public interface ShadowControl {
    /** The candidate configuration file. */
    Path candidate();

    /** Makes the candidate the running configuration; throws its first problem and changes nothing if invalid. */
    void promote() throws ConfigException;
}
