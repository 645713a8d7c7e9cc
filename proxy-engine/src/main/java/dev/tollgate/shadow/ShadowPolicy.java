package dev.tollgate.shadow;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EventBus;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.PolicyHolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow candidate named by {@code shadow:}: compiled at start (a broken candidate is a start-up error like any
 * configuration problem), hot-reloaded when its file changes (a broken edit keeps the previous candidate), and
 * stopped when the running configuration no longer names it. Promoting makes the candidate's text the running
 * configuration, which the policy holder validates and applies like any save.
 */
public final class ShadowPolicy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowPolicy.class);

    private final Path file;
    private final PolicyHolder holder;
    private final EventBus reloads;
    private volatile boolean active = true;

    private ShadowPolicy(Path file, PolicyHolder holder, EventBus reloads) {
        this.file = file;
        this.holder = holder;
        this.reloads = reloads;
    }

    /** The candidate of {@code config}, watched for changes; empty when the configuration names none. */
    public static Optional<ShadowPolicy> open(TollgateConfig config, ConfigLoader loader, Clock clock) {
        Optional<Path> candidate = ShadowSettings.candidate(config);
        if (candidate.isEmpty()) {
            return Optional.empty();
        }
        // The candidate's reloads are not the running policy's: they stay off the engine's bus and the UI's log.
        EventBus reloads = new EventBus(16);
        PolicyHolder holder;
        try {
            holder = PolicyHolder.load(candidate.get(), loader, reloads, clock);
            holder.watch(PolicyHolder.DEFAULT_DEBOUNCE);
        } catch (ConfigException e) {
            reloads.close();
            throw e;
        }
        LOG.info("shadow policy {} is evaluated on every call and never enforced", candidate.get());
        return Optional.of(new ShadowPolicy(candidate.get().toAbsolutePath(), holder, reloads));
    }

    public Path file() {
        return file;
    }

    /** The candidate while the running configuration names it. */
    public Optional<CompiledPolicy> current() {
        return active ? Optional.of(holder.get()) : Optional.empty();
    }

    /** Follows a reloaded running configuration: the shadow stops when it no longer names this candidate. */
    public void follow(TollgateConfig running) {
        Optional<Path> named = ShadowSettings.candidate(running).map(Path::toAbsolutePath);
        boolean now = named.map(file::equals).orElse(false);
        if (named.isPresent() && !now) {
            LOG.warn(
                    "the configuration now names shadow {}; restart Tollgate to shadow it instead of {}",
                    named.get(),
                    file);
        }
        if (now != active) {
            LOG.info("shadow policy {} {}", file, now ? "resumed" : "stopped");
        }
        active = now;
    }

    /** Makes the candidate the running configuration; throws its first problem and changes nothing if invalid. */
    public void promote(PolicyHolder running) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "cannot read the shadow candidate: " + e.getMessage());
        }
        running.apply(text);
        LOG.info("shadow candidate {} promoted to the running configuration", file);
    }

    @Override
    public void close() {
        holder.close();
        reloads.close();
    }
}
