package dev.tollgate.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code tollgate} as a real child process on this test's classpath, as a user would run the jar. */
final class TollgateProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader stdout;
    private final Path stderr;

    private TollgateProcess(Process process, Path stderr) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stderr = stderr;
    }

    /** The java command line that runs {@code tollgate ARGS} on this JVM's classpath, logging to stderr. */
    static List<String> command(String... args) {
        return command(System.getProperty("user.home"), args);
    }

    private static List<String> command(String home, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Duser.home=" + home,
                "-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider",
                "-Dorg.slf4j.simpleLogger.logFile=System.err",
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    static TollgateProcess start(Map<String, String> env, String... args) {
        return start(Path.of(System.getProperty("user.home")), env, args);
    }

    /** As a user whose home directory is {@code home} (where ~/.tollgate lives). */
    static TollgateProcess start(Path home, Map<String, String> env, String... args) {
        ProcessBuilder builder = new ProcessBuilder(command(home.toString(), args));
        builder.environment().putAll(env);
        try {
            Path stderr = Files.createTempFile("tollgate-stderr", ".log");
            stderr.toFile().deleteOnExit();
            builder.redirectError(stderr.toFile());
            return new TollgateProcess(builder.start(), stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line of stdout, waiting at most the given seconds. */
    String readLine(long seconds) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        return stdout.readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .get(seconds, TimeUnit.SECONDS);
    }

    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("tollgate did not exit within " + seconds + " s");
        }
        return process.exitValue();
    }

    /** Everything written to stderr so far. */
    String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Sends SIGTERM, as an operator stopping the service would. */
    void terminate() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
