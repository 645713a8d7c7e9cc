package dev.tollgate.sample.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SampleServerMainTest {
    @Test
    void readsTheServerTheTransportAndTheFault() {
        SampleServerMain.Invocation http = SampleServerMain.Invocation.parse(
                new String[] {"payments", "--http", "9002", "--simulate-refund-timeout=50"});

        assertThat(http.name()).isEqualTo("payments");
        assertThat(http.httpPort()).hasValue(9002);
        assertThat(http.options()).isEqualTo(SampleServerOptions.refundTimeouts(Duration.ofMillis(50)));
        assertThat(SampleServerMain.Invocation.parse(new String[] {"crm", "--stdio"})
                        .httpPort())
                .isEmpty();
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertThatThrownBy(() -> SampleServerMain.Invocation.parse(new String[] {"billing", "--stdio"}))
                .hasMessageContaining("unknown sample server 'billing'");
        assertThatThrownBy(() -> SampleServerMain.Invocation.parse(new String[] {"crm"}))
                .hasMessageContaining("choose exactly one of --stdio and --http PORT");
        assertThatThrownBy(() -> SampleServerMain.Invocation.parse(new String[] {"crm", "--http", "http"}))
                .hasMessageContaining("'http' is not a number");
        assertThatThrownBy(() -> SampleServerMain.Invocation.parse(new String[] {"crm", "--stdio", "--http", "1"}))
                .hasMessageContaining("choose exactly one");
    }
}
