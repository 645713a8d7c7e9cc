package dev.tollgate.sample.servers;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The demo company's customers, orders and payments, read from the bundled resource files (a fresh copy each time). */
public record SampleDataSet(List<ObjectNode> customers, List<ObjectNode> orders, List<ObjectNode> payments) {
    private static final String BASE = "/dev/tollgate/sample/data/";

    public SampleDataSet {
        customers = List.copyOf(customers);
        orders = List.copyOf(orders);
        payments = List.copyOf(payments);
    }

    public static SampleDataSet load() {
        return new SampleDataSet(read("customers.json"), read("orders.json"), read("payments.json"));
    }

    private static List<ObjectNode> read(String file) {
        try (InputStream in = SampleDataSet.class.getResourceAsStream(BASE + file)) {
            if (in == null) {
                throw new IllegalStateException("sample data file " + BASE + file + " is missing from the jar");
            }
            List<ObjectNode> out = new ArrayList<>();
            for (JsonNode node : Json.MAPPER.readTree(in)) {
                out.add((ObjectNode) node);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
