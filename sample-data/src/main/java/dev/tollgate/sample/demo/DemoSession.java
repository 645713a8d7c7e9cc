package dev.tollgate.sample.demo;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.Engine;
import dev.tollgate.sample.agents.AgentCall;
import dev.tollgate.sample.agents.DemoScenario;
import dev.tollgate.sample.agents.Pacing;
import dev.tollgate.sample.agents.TollgateGateway;
import dev.tollgate.sample.agents.Transcript;
import dev.tollgate.sample.agents.TranscriptRecorder;
import dev.tollgate.sample.history.HistoryGenerator;
import dev.tollgate.sample.servers.SampleServerOptions;
import dev.tollgate.sample.servers.SampleWorld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of the demo: the four sample servers on free ports (the payment processor timing out on
 * refunds), a Tollgate engine over them configured from the demo policy, and scripted agents with
 * per-run API keys that play the transcripts through it.
 */
public final class DemoSession implements AutoCloseable {
    /** The agents of the demo policies and the variable each one's key is read from. */
    public static final Map<String, String> AGENT_KEY_VARIABLES = Map.of(
            "billing-agent", "BILLING_AGENT_KEY",
            "onboarding-agent", "ONBOARDING_AGENT_KEY",
            "support-agent", "SUPPORT_AGENT_KEY");

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern AUDIT_URL = Pattern.compile("(?m)^(audit:[ \\t]*\\r?\\n[ \\t]+url:[ \\t]*).*$");
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(60);
    private static final long HISTORY_SEED = 42;

    private final WorkDirLock workDir;
    private final SampleWorld world;
    private final Engine engine;
    private final TollgateConfig config;
    private final Map<String, String> agentKeys;
    private final long lastRecordBefore;

    private DemoSession(
            WorkDirLock workDir,
            SampleWorld world,
            Engine engine,
            TollgateConfig config,
            Map<String, String> agentKeys,
            long lastRecordBefore) {
        this.workDir = workDir;
        this.world = world;
        this.engine = engine;
        this.config = config;
        this.agentKeys = agentKeys;
        this.lastRecordBefore = lastRecordBefore;
    }

    /**
     * Starts the servers and the engine ({@code engineFactory} is {@code TollgateEngine::start} in the app).
     * The configuration actually used is written to {@code workDir/tollgate-demo.yaml} (owner-only: it holds
     * this run's keys) so it can be opened, edited and previewed like any other. The work directory is this
     * run's alone while it lasts; a directory or H2 store another process is using is refused with a
     * {@link DemoRefusedException}, and nothing already there is deleted. Older runs beside a default run
     * directory are removed but the newest {@link DemoRuns#KEEP} ({@link DemoRuns}).
     */
    public static DemoSession start(DemoOptions options, Function<TollgateConfig, Engine> engineFactory) {
        WorkDirLock lock = claim(options.workDir());
        DemoRuns.pruneBeside(options.workDir(), DemoRuns.KEEP);
        try {
            String auditUrl = options.auditUrl().orElseGet(() -> ownAuditStore(options.workDir()));
            Optional<Path> h2 = AuditStores.h2File(auditUrl);
            if (h2.isPresent() && WorkDirLock.inUse(h2.get())) {
                throw new DemoRefusedException(
                        "the audit store " + h2.get() + " is open in another process (a running"
                                + " Tollgate window, demo or serve); close that first, or record this demo elsewhere with --db");
            }
            boolean newStore = h2.map(f -> !Files.exists(f)).orElse(true);
            if (options.historyRecords() > 0 && newStore) {
                seedHistory(auditUrl, options.historyRecords());
            }
            return startWorld(options, engineFactory, lock, auditUrl);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static WorkDirLock claim(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the demo in " + dir + ": " + e.getMessage(), e);
        }
        return WorkDirLock.claim(dir);
    }

    private static DemoSession startWorld(
            DemoOptions options, Function<TollgateConfig, Engine> engineFactory, WorkDirLock lock, String auditUrl) {
        SampleWorld world = SampleWorld.start(SampleServerOptions.refundTimeouts(options.refundDelay()));
        try {
            Map<String, String> keys = new LinkedHashMap<>();
            AGENT_KEY_VARIABLES.keySet().forEach(agent -> keys.put(agent, randomKey(agent)));
            Map<String, String> variables = new LinkedHashMap<>(world.environment());
            AGENT_KEY_VARIABLES.forEach((agent, variable) -> variables.put(variable, keys.get(agent)));
            Path file = options.workDir().resolve("tollgate-demo.yaml");
            writeOwnerOnly(file, withAuditUrl(substitute(options.policy().text(), variables), auditUrl));
            TollgateConfig config =
                    new ConfigLoader().load(file).withListenPort(0).withAuditUrl(auditUrl);
            Engine engine = engineFactory.apply(config);
            long lastBefore = engine
                    .audit()
                    .query(AuditQuery.builder().newestFirst(true).limit(1).build())
                    .stream()
                    .mapToLong(AuditRecord::id)
                    .findFirst()
                    .orElse(0);
            return new DemoSession(lock, world, engine, config, Map.copyOf(keys), lastBefore);
        } catch (IOException e) {
            world.close();
            throw new UncheckedIOException(
                    "cannot prepare the demo in " + options.workDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            world.close();
            throw e;
        }
    }

    public Engine engine() {
        return engine;
    }

    public TollgateConfig config() {
        return config;
    }

    public SampleWorld world() {
        return world;
    }

    public URI endpoint() {
        return engine.endpoint().orElseThrow(() -> new IllegalStateException("the demo engine has no HTTP endpoint"));
    }

    /**
     * The scripted agents, connected through this session's Tollgate endpoint; they write their conversations
     * to {@link #transcripts()} as they play, where Replay finds them.
     */
    public DemoScenario scenario(Pacing pacing) {
        return new DemoScenario(
                new TollgateGateway(endpoint(), agentKeys, config.toolNameSeparator(), AGENT_TIMEOUT),
                pacing,
                Transcript.bundled(),
                Optional.of(new TranscriptRecorder(transcripts(), Clock.systemUTC())));
    }

    /** Where this run's agents record their transcripts: {@code transcripts/} beside the configuration file. */
    public Path transcripts() {
        return config.transcriptsDirectory().orElseThrow();
    }

    /** Plays the scenario with at most {@code calls} tool calls and returns what each agent saw. */
    public List<AgentCall> play(int calls, Pacing pacing) {
        return scenario(pacing).play(calls);
    }

    /** Every call of this run as the audit store recorded it (not the history recorded before it). */
    public List<AuditRecord> records() {
        return engine.audit()
                .query(AuditQuery.builder()
                        .afterId(lastRecordBefore)
                        .limit(Integer.MAX_VALUE)
                        .build());
    }

    public DemoSummary summary() {
        return DemoSummary.of(records(), world.payments().refundsIssued());
    }

    /** This run's directory: its configuration, and its audit store unless one was given. */
    public Path workDir() {
        return config.file().map(Path::getParent).orElseThrow();
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            try {
                world.close();
            } finally {
                workDir.close();
            }
        }
    }

    /**
     * Names the store this run records into as the file's {@code audit.url}, so {@code tollgate audit query
     * --config} on the demo's configuration reads this run's calls.
     */
    static String withAuditUrl(String yaml, String auditUrl) {
        return AUDIT_URL.matcher(yaml).replaceFirst("$1" + Matcher.quoteReplacement("\"" + auditUrl + "\""));
    }

    /** Replaces the demo's own {@code ${env:...}} variables; any other placeholder is left for the loader. */
    static String substitute(String text, Map<String, String> variables) {
        Matcher m = ENV.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The work directory's own store; a directory used before keeps its records (the summary counts this run's). */
    private static String ownAuditStore(Path workDir) {
        return "jdbc:h2:file:"
                + workDir.resolve("audit").toAbsolutePath().toString().replace('\\', '/');
    }

    private static void seedHistory(String auditUrl, long records) {
        try (JdbcAuditStore store = AuditStores.open(auditUrl)) {
            HistoryGenerator.generate(store, HistoryGenerator.Options.of(records, HISTORY_SEED), n -> {});
        } catch (AuditUnavailableException e) {
            throw new IllegalStateException(
                    "cannot write the demo history to " + AuditStores.redactUrl(auditUrl) + ": " + e.getMessage(), e);
        }
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String randomKey(String agent) {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return "tg_" + agent.substring(0, agent.indexOf('-')) + "_"
                + HexFormat.of().formatHex(bytes);
    }
}
