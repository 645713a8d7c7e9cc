package dev.tollgate.sample.servers;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The four sample servers running in this JVM over Streamable HTTP on free ports, the way the demo uses
 * them. The payments server demands a per-run API token that only Tollgate is given.
 */
public final class SampleWorld implements AutoCloseable {
    private final Map<String, HttpSampleServer> servers;
    private final PaymentsServer payments;
    private final String paymentsToken;

    private SampleWorld(Map<String, HttpSampleServer> servers, PaymentsServer payments, String paymentsToken) {
        this.servers = servers;
        this.payments = payments;
        this.paymentsToken = paymentsToken;
    }

    public static SampleWorld start(SampleServerOptions options) {
        String token = randomToken();
        SampleDataSet data = SampleDataSet.load();
        PaymentsServer payments = new PaymentsServer(data, options);
        List<SampleServer> all = List.of(new CrmServer(data), payments, new TicketsServer(data), new CalendarServer());
        Map<String, HttpSampleServer> started = new LinkedHashMap<>();
        try {
            for (SampleServer server : all) {
                Optional<String> required = server == payments ? Optional.of(token) : Optional.empty();
                started.put(server.name(), HttpSampleServer.start(server, 0, required));
            }
        } catch (RuntimeException e) {
            started.values().forEach(HttpSampleServer::close);
            throw e;
        }
        return new SampleWorld(started, payments, token);
    }

    public URI endpoint(String server) {
        HttpSampleServer s = servers.get(server);
        if (s == null) {
            throw new IllegalArgumentException("no sample server '" + server + "'");
        }
        return s.endpoint();
    }

    public String paymentsToken() {
        return paymentsToken;
    }

    public PaymentsServer payments() {
        return payments;
    }

    /**
     * The variables the demo policies ({@code sample-data/policies/*.yaml}) read: {@code TOLLGATE_<SERVER>_URL}
     * and {@code TOLLGATE_PAYMENTS_TOKEN}.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        servers.forEach((name, s) -> env.put(
                "TOLLGATE_" + name.toUpperCase(java.util.Locale.ROOT) + "_URL",
                s.endpoint().toString()));
        env.put("TOLLGATE_PAYMENTS_TOKEN", paymentsToken);
        return env;
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (HttpSampleServer s : servers.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
