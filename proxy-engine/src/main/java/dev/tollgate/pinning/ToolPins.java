package dev.tollgate.pinning;

import dev.tollgate.config.FileWatch;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.upstream.UpstreamTool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The pins of a running engine. First sight of a tool pins its definition in the lock file; a server later
 * offering a different one is recorded there as offered and raised as {@link EngineEvent.ToolDefinitionChanged}.
 * Whether a tool is withheld is judged against the definition the server offers right now, so a server that
 * reverts is trusted again at once. Watches the lock file, so {@code tollgate tools approve} applies to a running
 * instance; listeners hear every change of the pins (to re-announce tool lists).
 */
public final class ToolPins implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ToolPins.class);

    /** A tool whose offered definition differs from its pin: both, for a diff. */
    public record Change(ToolRef tool, JsonNode pinned, JsonNode offered) {}

    private record Hashed(JsonNode definition, String sha256) {}

    private final PinningSettings settings;
    private final Function<ToolRef, Optional<UpstreamTool>> offered;
    private final EventBus events;
    private final Clock clock;
    private final Map<ToolRef, Hashed> hashes = new ConcurrentHashMap<>();
    private final Set<String> alerted = ConcurrentHashMap.newKeySet();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();
    private volatile Map<String, LockFile.Pin> pins;
    private FileWatch watch;

    private ToolPins(
            PinningSettings settings,
            Map<String, LockFile.Pin> pins,
            Function<ToolRef, Optional<UpstreamTool>> offered,
            EventBus events,
            Clock clock) {
        this.settings = settings;
        this.pins = pins;
        this.offered = offered;
        this.events = events;
        this.clock = clock;
    }

    /** Reads the lock file (a missing one is empty); fails when it is not a lock file, rather than trust nothing. */
    public static ToolPins open(
            PinningSettings settings, Function<ToolRef, Optional<UpstreamTool>> offered, EventBus events, Clock clock) {
        Map<String, LockFile.Pin> pins = new TreeMap<>();
        if (settings.mode() != PinningMode.OFF && settings.file().isPresent()) {
            try {
                pins = LockFile.read(settings.file().get());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the pinning lock file: " + e.getMessage(), e);
            }
        }
        return new ToolPins(settings, pins, offered, events, clock);
    }

    public PinningSettings settings() {
        return settings;
    }

    /** Pins tools seen for the first time and records changed ones; call with a server's tools after each listing. */
    public void observe(List<UpstreamTool> tools) {
        if (settings.mode() == PinningMode.OFF) {
            return;
        }
        List<UpstreamTool> fresh = new ArrayList<>();
        List<UpstreamTool> changed = new ArrayList<>();
        List<UpstreamTool> reverted = new ArrayList<>();
        Map<String, LockFile.Pin> current = pins;
        for (UpstreamTool tool : tools) {
            if (tool.name().isEmpty()) {
                continue;
            }
            LockFile.Pin pin = current.get(tool.ref().qualified());
            String sha = hash(tool);
            if (pin == null) {
                fresh.add(tool);
            } else if (!pin.sha256().equals(sha)) {
                if (pin.offered().map(o -> !o.sha256().equals(sha)).orElse(true)) {
                    changed.add(tool);
                }
                alert(tool, sha);
            } else if (pin.offered().isPresent()) {
                reverted.add(tool);
            }
        }
        if (fresh.isEmpty() && changed.isEmpty() && reverted.isEmpty()) {
            return;
        }
        write(map -> {
            for (UpstreamTool tool : fresh) {
                map.putIfAbsent(
                        tool.ref().qualified(),
                        new LockFile.Pin(
                                hash(tool),
                                clock.instant(),
                                ToolFingerprint.pinnedPart(tool.definition()),
                                Optional.empty()));
            }
            for (UpstreamTool tool : changed) {
                map.computeIfPresent(
                        tool.ref().qualified(),
                        (k, pin) -> new LockFile.Pin(
                                pin.sha256(),
                                pin.pinnedAt(),
                                pin.definition(),
                                Optional.of(new LockFile.Offer(
                                        hash(tool), clock.instant(), ToolFingerprint.pinnedPart(tool.definition())))));
            }
            for (UpstreamTool tool : reverted) {
                map.computeIfPresent(
                        tool.ref().qualified(),
                        (k, pin) -> new LockFile.Pin(pin.sha256(), pin.pinnedAt(), pin.definition(), Optional.empty()));
            }
            return map;
        });
    }

    private void alert(UpstreamTool tool, String sha) {
        if (alerted.add(tool.ref().qualified() + "@" + sha)) {
            boolean withheld = settings.mode() == PinningMode.BLOCK;
            LOG.warn(
                    "tool {} offers a definition that differs from its pin{}",
                    tool.ref(),
                    withheld ? "; it is withheld until approved (tollgate tools approve " + tool.ref() + ")" : "");
            events.publish(
                    new EngineEvent.ToolDefinitionChanged(clock.instant(), tool.server(), tool.name(), withheld));
        }
    }

    /** Whether the tool must be hidden and its calls blocked: mode block and the offered definition is not the pin. */
    public boolean withheld(ToolRef tool) {
        return settings.mode() == PinningMode.BLOCK && change(tool).isPresent();
    }

    /** The pinned and offered definitions when they differ. */
    public Optional<Change> change(ToolRef tool) {
        if (settings.mode() == PinningMode.OFF) {
            return Optional.empty();
        }
        LockFile.Pin pin = pins.get(tool.qualified());
        Optional<UpstreamTool> now = offered.apply(tool);
        if (pin == null || now.isEmpty() || pin.sha256().equals(hash(now.get()))) {
            return Optional.empty();
        }
        return Optional.of(new Change(
                tool, pin.definition(), ToolFingerprint.pinnedPart(now.get().definition())));
    }

    /** Every tool whose offered definition differs from its pin, by name. */
    public List<Change> changes() {
        List<Change> out = new ArrayList<>();
        for (String name : pins.keySet()) {
            change(ToolRef.parse(name)).ifPresent(out::add);
        }
        return out;
    }

    /** Pins the definition the server offers now (what the operator was shown). */
    public void approve(ToolRef tool) {
        UpstreamTool now = offered.apply(tool)
                .orElseThrow(() -> new IllegalArgumentException("no server offers " + tool + " right now"));
        String sha = hash(now);
        write(map -> {
            map.put(
                    tool.qualified(),
                    new LockFile.Pin(
                            sha, clock.instant(), ToolFingerprint.pinnedPart(now.definition()), Optional.empty()));
            return map;
        });
        LOG.info("tool {} re-pinned", tool);
    }

    /** Hears every change of the pins (first sight, approval, an edited lock file). */
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private String hash(UpstreamTool tool) {
        Hashed known = hashes.get(tool.ref());
        if (known != null && known.definition() == tool.definition()) {
            return known.sha256();
        }
        String sha = ToolFingerprint.of(tool.definition());
        hashes.put(tool.ref(), new Hashed(tool.definition(), sha));
        return sha;
    }

    private void write(UnaryOperator<Map<String, LockFile.Pin>> change) {
        synchronized (writeLock) {
            if (settings.file().isEmpty()) {
                pins = change.apply(new TreeMap<>(pins));
            } else {
                try {
                    pins = LockFile.update(settings.file().get(), change);
                } catch (IOException e) {
                    LOG.error(
                            "cannot write the pinning lock file {}: {}",
                            settings.file().get(),
                            e.getMessage());
                    pins = change.apply(new TreeMap<>(pins));
                }
            }
        }
        changed();
    }

    /** Re-reads the lock file, e.g. after {@code tollgate tools approve}; a broken file keeps the pins in force. */
    public void reload() {
        if (settings.file().isEmpty() || settings.mode() == PinningMode.OFF) {
            return;
        }
        synchronized (writeLock) {
            try {
                pins = LockFile.read(settings.file().get());
            } catch (IOException e) {
                LOG.warn("pinning lock file not reloaded, keeping the pins in force: {}", e.getMessage());
                return;
            }
        }
        changed();
    }

    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("pin change listener failed", e);
            }
        }
    }

    /** Starts watching the lock file for changes made by other processes. */
    public synchronized void watch() {
        if (settings.file().isEmpty() || settings.mode() == PinningMode.OFF || watch != null) {
            return;
        }
        Path file = settings.file().get().toAbsolutePath();
        watch = FileWatch.start(file, "tollgate-pins-watch", Duration.ZERO, this::reload);
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }
}
