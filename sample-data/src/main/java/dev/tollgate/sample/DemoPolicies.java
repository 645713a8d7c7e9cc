package dev.tollgate.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The demo policies shipped in the jar (the same files as {@code sample-data/policies/}). */
public enum DemoPolicies {
    /** The article's three agents: billing may not refund, support may not touch payments. */
    SEED_AGENTS("seed-agents.yaml"),
    /** The refund storm: billing may refund, but rate-limited and watched by the loop breaker. */
    INCIDENT("incident.yaml");

    private final String file;

    DemoPolicies(String file) {
        this.file = file;
    }

    public String fileName() {
        return file;
    }

    /** The YAML text, with its {@code ${env:...}} placeholders still in place. */
    public String text() {
        String resource = "/dev/tollgate/sample/policies/" + file;
        try (InputStream in = DemoPolicies.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("demo policy " + resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
