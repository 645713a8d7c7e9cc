package dev.tollgate.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An in-process OTLP/HTTP trace receiver on a loopback port: it accepts {@code POST /v1/traces} with a protobuf
 * {@code ExportTraceServiceRequest}, decodes the spans (ids, name, string/number/bool attributes, service name)
 * with a small wire-format reader, and keeps them for assertions.
 */
public final class OtlpReceiver implements AutoCloseable {
    /** One received span; ids are lower-case hex, {@code parentSpanId} empty for a root span. */
    public record ReceivedSpan(
            String serviceName,
            String serviceInstance,
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            Map<String, Object> attributes) {}

    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    public OtlpReceiver() {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (!"/v1/traces".equals(request.getHttpURI().getPath()) || !"POST".equals(request.getMethod())) {
                    return false;
                }
                ByteBuffer body = Content.Source.asByteBuffer(request);
                byte[] bytes = new byte[body.remaining()];
                body.get(bytes);
                decodeRequest(bytes);
                response.setStatus(200);
                response.getHeaders().put("Content-Type", "application/x-protobuf");
                callback.succeeded();
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the OTLP receiver did not start", e);
        }
    }

    /** What a configuration's {@code telemetry.otlp.endpoint} takes. */
    public String endpoint() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private void decodeRequest(byte[] bytes) {
        for (Field resourceSpans : fields(bytes)) {
            if (resourceSpans.number != 1) {
                continue;
            }
            Map<String, Object> resource = Map.of();
            for (Field f : fields(resourceSpans.bytes)) {
                if (f.number == 1) {
                    resource = attributes(f.bytes, 1);
                }
            }
            String service = String.valueOf(resource.getOrDefault("service.name", ""));
            String instance = String.valueOf(resource.getOrDefault("service.instance.id", ""));
            for (Field scopeSpans : fields(resourceSpans.bytes)) {
                if (scopeSpans.number != 2) {
                    continue;
                }
                for (Field span : fields(scopeSpans.bytes)) {
                    if (span.number == 2) {
                        spans.add(span(service, instance, span.bytes));
                    }
                }
            }
        }
    }

    private static ReceivedSpan span(String service, String instance, byte[] bytes) {
        String trace = "";
        String id = "";
        String parent = "";
        String name = "";
        for (Field f : fields(bytes)) {
            switch (f.number) {
                case 1 -> trace = HexFormat.of().formatHex(f.bytes);
                case 2 -> id = HexFormat.of().formatHex(f.bytes);
                case 4 -> parent = HexFormat.of().formatHex(f.bytes);
                case 5 -> name = new String(f.bytes, StandardCharsets.UTF_8);
                default -> {}
            }
        }
        return new ReceivedSpan(service, instance, trace, id, parent, name, attributes(bytes, 9));
    }

    /** The KeyValue list at field {@code number}: strings, integers, doubles and booleans. */
    private static Map<String, Object> attributes(byte[] message, int number) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field kv : fields(message)) {
            if (kv.number != number) {
                continue;
            }
            String key = "";
            Object value = null;
            for (Field f : fields(kv.bytes)) {
                if (f.number == 1) {
                    key = new String(f.bytes, StandardCharsets.UTF_8);
                } else if (f.number == 2) {
                    for (Field v : fields(f.bytes)) {
                        value = switch (v.number) {
                            case 1 -> new String(v.bytes, StandardCharsets.UTF_8);
                            case 2 -> v.varint != 0;
                            case 3 -> v.varint;
                            case 4 -> Double.longBitsToDouble(v.varint);
                            default -> value;
                        };
                    }
                }
            }
            out.put(key, value);
        }
        return out;
    }

    /** One protobuf field: its number and either its bytes (length-delimited) or its number value. */
    private record Field(int number, byte[] bytes, long varint) {}

    private static List<Field> fields(byte[] message) {
        List<Field> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            long tag = varint(in);
            int number = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case 0 -> out.add(new Field(number, new byte[0], varint(in)));
                case 1 -> out.add(new Field(number, new byte[0], in.getLong()));
                case 2 -> {
                    byte[] bytes = new byte[(int) varint(in)];
                    in.get(bytes);
                    out.add(new Field(number, bytes, 0));
                }
                case 5 -> out.add(new Field(number, new byte[0], in.getInt()));
                default -> throw new IllegalArgumentException("unsupported protobuf wire type in field " + number);
            }
        }
        return out;
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }
}
