package dev.tollgate.sample.servers;

import static dev.tollgate.sample.servers.Tools.requiredAmount;
import static dev.tollgate.sample.servers.Tools.requiredText;
import static dev.tollgate.sample.servers.Tools.tool;

import dev.tollgate.json.Json;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The payment processor: charge history, refunds, payment methods. Like the processor in the article,
 * it happily refunds the same order again and again; only a gateway in front of it can stop a loop.
 */
public final class PaymentsServer implements SampleServer {
    private final List<ObjectNode> payments = new ArrayList<>();
    private final Map<String, ObjectNode> orders = new HashMap<>();
    private final Map<String, ObjectNode> methods = new HashMap<>();
    private final Set<String> customers = new HashSet<>();
    private final SampleServerOptions options;
    private final Clock clock;
    private final AtomicInteger refunds = new AtomicInteger();
    private int nextId = 1;

    PaymentsServer(SampleDataSet data, SampleServerOptions options) {
        this(data, options, Clock.systemUTC());
    }

    PaymentsServer(SampleDataSet data, SampleServerOptions options, Clock clock) {
        data.payments().forEach(p -> payments.add(p.deepCopy()));
        data.orders().forEach(o -> orders.put(o.get("id").asString(), o));
        data.customers().forEach(c -> customers.add(c.get("id").asString()));
        this.options = options;
        this.clock = clock;
    }

    /** How many refunds reached this processor and were paid out (timed-out ones included: the money moved). */
    public int refundsIssued() {
        return refunds.get();
    }

    @Override
    public String name() {
        return "payments";
    }

    @Override
    public String instructions() {
        return "Payment processor of Example SaaS Inc. Amounts are in the order's currency.";
    }

    @Override
    public List<SyncToolSpecification> tools() {
        return List.of(
                tool(
                        "getHistory",
                        "Payment history",
                        "Lists a customer's charges and refunds, newest first.",
                        Tools.Kind.READ,
                        true,
                        """
                        {"type":"object","required":["customerId"],"properties":{
                          "customerId":{"type":"string"},
                          "limit":{"type":"integer","minimum":1,"maximum":100,"default":20}}}""",
                        this::getHistory),
                tool(
                        "issueRefund",
                        "Issue refund",
                        "Refunds an amount of an order to the customer's payment method. Every call moves money.",
                        Tools.Kind.IRREVERSIBLE,
                        true,
                        """
                        {"type":"object","required":["orderId","amount"],"properties":{
                          "orderId":{"type":"string","description":"Order id, e.g. O-5004"},
                          "amount":{"type":"number","exclusiveMinimum":0},
                          "reason":{"type":"string"}}}""",
                        this::issueRefund),
                tool(
                        "updatePaymentMethod",
                        "Update payment method",
                        "Replaces the payment method future charges of a customer use.",
                        Tools.Kind.OVERWRITE,
                        true,
                        """
                        {"type":"object","required":["customerId","method"],"properties":{
                          "customerId":{"type":"string"},
                          "method":{"type":"object","required":["type"],"properties":{
                            "type":{"type":"string","enum":["card","sepa","invoice"]},
                            "last4":{"type":"string","pattern":"^[0-9]{4}$"}}}}}""",
                        this::updatePaymentMethod));
    }

    private synchronized JsonNode getHistory(JsonNode args) {
        String customer = requiredText(args, "customerId");
        int limit = Math.max(1, Math.min(100, args.path("limit").asInt(20)));
        ObjectNode out = Json.object();
        out.put("customerId", customer);
        double charged = 0;
        double refunded = 0;
        List<ObjectNode> mine = new ArrayList<>();
        for (ObjectNode p : payments) {
            if (p.get("customerId").asString().equals(customer)) {
                mine.add(p);
                if (p.get("type").asString().equals("refund")) {
                    refunded += p.get("amount").asDouble();
                } else if (p.get("status").asString().equals("settled")) {
                    charged += p.get("amount").asDouble();
                }
            }
        }
        mine.sort(Comparator.comparing((ObjectNode p) -> p.get("at").asString()).reversed());
        ArrayNode list = out.putArray("payments");
        mine.stream().limit(limit).forEach(list::add);
        out.put("totalCharged", round(charged));
        out.put("totalRefunded", round(refunded));
        Optional.ofNullable(methods.get(customer)).ifPresent(m -> out.set("paymentMethod", m));
        return out;
    }

    private JsonNode issueRefund(JsonNode args) {
        ObjectNode refund = recordRefund(args);
        if (options.refundTimeouts()) {
            awaitProcessorThatNeverAnswers();
            throw new ToolFailure(String.format(
                    Locale.ROOT,
                    "timeout: the payment processor did not confirm the refund of %.2f %s for %s within %d ms; "
                            + "the refund may or may not have been issued",
                    refund.get("amount").asDouble(),
                    refund.get("currency").asString(),
                    refund.get("orderId").asString(),
                    options.refundDelay().toMillis()));
        }
        return refund;
    }

    private synchronized ObjectNode recordRefund(JsonNode args) {
        String orderId = requiredText(args, "orderId");
        double amount = requiredAmount(args, "amount");
        ObjectNode order = orders.get(orderId);
        if (order == null) {
            throw new ToolFailure("no order with id " + orderId);
        }
        if (amount > order.get("amount").asDouble()) {
            throw new ToolFailure(String.format(
                    Locale.ROOT,
                    "refund of %.2f exceeds the order amount %.2f",
                    amount,
                    order.get("amount").asDouble()));
        }
        ObjectNode refund = Json.object();
        refund.put("id", String.format(Locale.ROOT, "R-%05d", nextId++));
        refund.put("customerId", order.get("customerId").asString());
        refund.put("orderId", orderId);
        refund.put("type", "refund");
        refund.put("amount", round(amount));
        refund.put("currency", order.get("currency").asString());
        refund.put("reason", args.path("reason").asString(""));
        refund.put("at", Instant.now(clock).toString());
        refund.put("status", "settled");
        payments.add(refund);
        refunds.incrementAndGet();
        return refund.deepCopy();
    }

    private void awaitProcessorThatNeverAnswers() {
        try {
            Thread.sleep(options.refundDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized JsonNode updatePaymentMethod(JsonNode args) {
        String customer = requiredText(args, "customerId");
        JsonNode method = args.path("method");
        if (!method.isObject() || !method.hasNonNull("type")) {
            throw new ToolFailure("'method' must be an object with a 'type' (card, sepa or invoice)");
        }
        if (!customers.contains(customer)) {
            throw new ToolFailure("no customer with id " + customer);
        }
        ObjectNode stored = ((ObjectNode) method).deepCopy();
        stored.put("updatedAt", Instant.now(clock).toString());
        methods.put(customer, stored);
        ObjectNode out = Json.object();
        out.put("customerId", customer);
        out.set("paymentMethod", stored.deepCopy());
        return out;
    }

    private static double round(double amount) {
        return Math.round(amount * 100) / 100.0;
    }
}
