package dev.tollgate.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who writes an audit store ({@code host/pid/uuid}, kept on each attempt), and whether that writer is gone, so the
 * attempts a stopped Tollgate left open can be completed as interrupted without touching a live writer's.
 */
final class Writers {
    private static final String HOST = localHost();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    private Writers() {}

    static String newId() {
        return HOST + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID();
    }

    static void live(String writer) {
        LIVE.add(writer);
    }

    static void gone(String writer) {
        LIVE.remove(writer);
    }

    /** Whether {@code writer} can no longer complete its attempts; one on another host only once {@code stale}. */
    static boolean isGone(String writer, boolean stale) {
        String[] parts = writer.split("/", 3);
        if (parts.length != 3 || !parts[0].equals(HOST)) {
            return stale;
        }
        long pid;
        try {
            pid = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return stale;
        }
        if (pid == ProcessHandle.current().pid()) {
            return !LIVE.contains(writer);
        }
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName().replace('/', '_');
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
