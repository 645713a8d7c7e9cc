package dev.tollgate.sample.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo's run directories ({@code ~/.tollgate/demo/<date>-<time>-<pid>}, tens of MB each with last month's
 * history): when a run starts, only the newest {@link #KEEP} stay, this one included. A run another demo still
 * holds, or whose audit store another process has open (a window, {@code serve}, {@code audit query}), is never
 * deleted; nor is anything whose name is not a run's.
 */
public final class DemoRuns {
    public static final int KEEP = 3;
    private static final Pattern RUN = Pattern.compile("\\d{8}-\\d{6}-\\d+");

    private DemoRuns() {}

    /** Deletes the runs beside {@code run} older than the newest {@code keep}; returns the ones deleted. */
    static List<Path> pruneBeside(Path run, int keep) {
        Path current = run.toAbsolutePath().normalize();
        Path parent = current.getParent();
        if (parent == null || !isRun(current)) {
            return List.of();
        }
        List<Path> older;
        try (Stream<Path> siblings = Files.list(parent)) {
            older = siblings.map(p -> p.toAbsolutePath().normalize())
                    .filter(p -> !p.equals(current) && Files.isDirectory(p) && isRun(p))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())
                            .reversed())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
        List<Path> deleted = new ArrayList<>();
        for (Path old : older.subList(Math.min(older.size(), Math.max(0, keep - 1)), older.size())) {
            if (deleteUnlessInUse(old)) {
                deleted.add(old);
            }
        }
        return deleted;
    }

    private static boolean isRun(Path dir) {
        return RUN.matcher(dir.getFileName().toString()).matches();
    }

    /** Takes the run's demo lock first, so a demo starting there meanwhile finds it taken, then checks its stores. */
    private static boolean deleteUnlessInUse(Path run) {
        Optional<WorkDirLock> claimed;
        try {
            claimed = WorkDirLock.tryClaim(run);
        } catch (UncheckedIOException e) {
            return false;
        }
        if (claimed.isEmpty()) {
            return false;
        }
        try (WorkDirLock lock = claimed.get();
                Stream<Path> files = Files.walk(run)) {
            List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
            if (all.stream().anyMatch(f -> f.toString().endsWith(".mv.db") && WorkDirLock.inUse(f))) {
                return false;
            }
            for (Path f : all) {
                Files.deleteIfExists(f);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
