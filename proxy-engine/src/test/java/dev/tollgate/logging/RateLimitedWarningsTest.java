package dev.tollgate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One warning per kind and interval reaches the log, then a count of those held back. */
class RateLimitedWarningsTest {
    /** An SLF4J logger that keeps the lines it was given, as an operator would read them. */
    private static final class Lines extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    private static final class SteppedClock extends Clock {
        private Instant now = Instant.parse("2026-11-30T08:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aThousandIdenticalWarningsInAMinuteAreOneLineThenACount() {
        Lines log = new Lines();
        SteppedClock clock = new SteppedClock();
        RateLimitedWarnings warnings = new RateLimitedWarnings(log, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 1_000; i++) {
            warnings.warn("sse crm", "upstream '{}' sent an SSE event that is not JSON", "crm");
        }
        warnings.warn("sse payments", "upstream '{}' sent an SSE event that is not JSON", "payments");
        clock.now = clock.now.plus(Duration.ofSeconds(61));
        warnings.warn("sse crm", "upstream '{}' sent an SSE event that is not JSON", "crm");

        assertThat(log.lines)
                .containsExactly(
                        "WARN upstream 'crm' sent an SSE event that is not JSON",
                        "WARN upstream 'payments' sent an SSE event that is not JSON",
                        "WARN upstream 'crm' sent an SSE event that is not JSON (and 999 more like this since the last such "
                                + "warning, not logged)");
    }
}
