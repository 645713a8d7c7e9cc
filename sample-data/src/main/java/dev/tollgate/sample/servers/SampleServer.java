package dev.tollgate.sample.servers;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.List;

/** One of the demo's MCP servers (crm, payments, tickets, calendar): its name and its tools, over any transport. */
public interface SampleServer {
    String name();

    /** What the server tells clients it is for (MCP {@code instructions}). */
    String instructions();

    List<SyncToolSpecification> tools();

    /** Creates the named server with fresh state loaded from the bundled data set. */
    static SampleServer named(String name, SampleServerOptions options) {
        SampleDataSet data = SampleDataSet.load();
        switch (name) {
            case "crm":
                return new CrmServer(data);
            case "payments":
                return new PaymentsServer(data, options);
            case "tickets":
                return new TicketsServer(data);
            case "calendar":
                return new CalendarServer();
            default:
                throw new IllegalArgumentException("unknown sample server '" + name + "'; expected one of " + NAMES);
        }
    }

    /** The names {@link #named} accepts. */
    List<String> NAMES = List.of("crm", "payments", "tickets", "calendar");
}
