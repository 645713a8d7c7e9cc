package dev.tollgate.policy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.FileWatch;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.history.CallHistory;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.loopbreaker.LoopBreakerSettings;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.ratelimit.LimitRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force, hot-reloaded from its file. Each reload compiles a new immutable
 * {@link CompiledPolicy} and swaps it in atomically: calls already being decided finish under the old
 * one. A candidate with a problem is refused, the old policy stays, and the problem is logged and
 * published as {@link EngineEvent.PolicyReloaded} with {@code applied=false}.
 */
public final class PolicyHolder implements Supplier<CompiledPolicy>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyHolder.class);
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(250);

    /** Told after a new policy took effect; runs on the reloading thread and must not block. */
    @FunctionalInterface
    public interface Listener {
        void changed(CompiledPolicy previous, CompiledPolicy current);
    }

    private final AtomicReference<CompiledPolicy> current;
    private final Optional<Path> file;
    private final ConfigLoader loader;
    private final EventBus events;
    private final Clock clock;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object reloadLock = new Object();
    private FileWatch watcher;

    private PolicyHolder(
            CompiledPolicy initial, Optional<Path> file, ConfigLoader loader, EventBus events, Clock clock) {
        this.current = new AtomicReference<>(initial);
        this.file = file;
        this.loader = loader;
        this.events = events;
        this.clock = clock;
    }

    /** Loads and compiles the file; a problem in it is thrown, since there is no older policy to keep. */
    public static PolicyHolder load(Path file, ConfigLoader loader, EventBus events, Clock clock) {
        Path absolute = file.toAbsolutePath();
        return new PolicyHolder(
                CompiledPolicy.from(loader.load(absolute)), Optional.of(absolute), loader, events, clock);
    }

    /** Holds the policy of an already loaded configuration, reloading from its file when it has one. */
    public static PolicyHolder of(TollgateConfig config, ConfigLoader loader, EventBus events, Clock clock) {
        return new PolicyHolder(
                CompiledPolicy.from(config), config.file().map(Path::toAbsolutePath), loader, events, clock);
    }

    @Override
    public CompiledPolicy get() {
        return current.get();
    }

    private static String onDisk(Path target) {
        try {
            return Files.readString(target, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(target.toString(), 0, "cannot read the policy file: " + e.getMessage());
        }
    }

    public Optional<Path> file() {
        return file;
    }

    /** A {@link Policy} that always decides with the policy in force at the moment of the call. */
    public Policy live() {
        return new Policy() {
            @Override
            public Decision decide(ToolCall call) {
                return current.get().decide(call);
            }

            @Override
            public Decision decide(ToolCall call, CallHistory history) {
                return current.get().decide(call, history);
            }

            @Override
            public Optional<ApprovalRule> approval(ToolCall call, CallHistory history) {
                return current.get().approval(call, history);
            }

            @Override
            public boolean usesHistory() {
                return current.get().usesHistory();
            }

            @Override
            public boolean visible(AgentIdentity agent, ToolRef tool, ToolAnnotations annotations) {
                return current.get().visible(agent, tool, annotations);
            }
        };
    }

    public Supplier<List<LimitRule>> limits() {
        return () -> current.get().limits();
    }

    public Supplier<LoopBreakerSettings> loopBreaker() {
        return () -> current.get().loopBreaker();
    }

    /** Registers a listener; the handle removes it. */
    public AutoCloseable onChange(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Re-reads the file and swaps in its policy when it compiles. Returns the problem when it does not
     * (the old policy stays), empty when the new policy was applied or the text had not changed.
     */
    public Optional<ConfigException> reload() {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        synchronized (reloadLock) {
            TollgateConfig config;
            CompiledPolicy candidate;
            try {
                config = loader.load(file.get());
                if (config.text().equals(current.get().config().text())) {
                    return Optional.empty();
                }
                candidate = CompiledPolicy.from(config);
            } catch (ConfigException e) {
                LOG.warn("policy not reloaded, keeping the previous one: {}", e.getMessage());
                events.publish(new EngineEvent.PolicyReloaded(clock.instant(), false, e.getMessage()));
                return Optional.of(e);
            }
            swap(candidate);
            return Optional.empty();
        }
    }

    /**
     * Validates the text, writes it to the file (atomically replacing it) and swaps its policy in.
     * Throws the first problem and changes nothing when the text is not valid.
     */
    public void apply(String text) throws ConfigException {
        apply(text, Optional.empty());
    }

    /**
     * As {@link #apply(String)}, but only when the file on disk still holds {@code basedOn}, the text the
     * edit started from: an external change made meanwhile is never overwritten (the editor offers to
     * reload or merge it instead).
     */
    public void apply(String text, String basedOn) throws ConfigException {
        apply(text, Optional.of(basedOn));
    }

    private void apply(String text, Optional<String> basedOn) throws ConfigException {
        Path target = file.orElseThrow(() -> new ConfigException(
                "<inline>", 0, "this policy was not loaded from a file, so there is nowhere to save it"));
        synchronized (reloadLock) {
            if (basedOn.isPresent() && !basedOn.get().equals(onDisk(target))) {
                throw new ConfigException(
                        target.toString(),
                        0,
                        "the file changed on disk since this edit began;"
                                + " reload or merge that change first (nothing was saved)");
            }
            CompiledPolicy candidate = CompiledPolicy.from(loader.parse(target.toString(), text));
            try {
                Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), ".tollgate-", ".yaml");
                Files.writeString(temp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new ConfigException(target.toString(), 0, "cannot save the policy: " + e.getMessage());
            }
            swap(candidate);
        }
    }

    private void swap(CompiledPolicy candidate) {
        CompiledPolicy previous = current.getAndSet(candidate);
        LOG.info("policy reloaded from {}", file.map(Path::toString).orElse("<inline>"));
        events.publish(new EngineEvent.PolicyReloaded(clock.instant(), true, ""));
        for (Listener listener : listeners) {
            try {
                listener.changed(previous, candidate);
            } catch (RuntimeException e) {
                LOG.warn("policy change listener failed", e);
            }
        }
    }

    /** Starts watching the file; changes are applied once they have settled for {@code debounce}. */
    public synchronized void watch(Duration debounce) {
        if (file.isEmpty() || watcher != null) {
            return;
        }
        watcher = FileWatch.start(file.get(), "tollgate-policy-watch", debounce, this::reload);
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }
}
