package dev.tollgate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads the YAML configuration, resolves {@code ${env:NAME}}, and reports problems as {@code file:line: message}. */
public final class ConfigLoader {
    public static final String DEFAULT_AUDIT_URL = "jdbc:h2:file:~/.tollgate/audit";
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final Function<String, Optional<String>> environment;

    public ConfigLoader() {
        this(name -> Optional.ofNullable(System.getenv(name)));
    }

    public ConfigLoader(Function<String, Optional<String>> environment) {
        this.environment = environment;
    }

    public TollgateConfig load(Path file) {
        String text;
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file.toString(), 0, "no such configuration file");
        }
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "cannot read configuration: " + e.getMessage());
        }
        return parse(Optional.of(file), file.toString(), text);
    }

    public TollgateConfig parse(String name, String text) {
        return parse(Optional.empty(), name, text);
    }

    private TollgateConfig parse(Optional<Path> path, String name, String text) {
        SourceMap lines;
        JsonNode root;
        try {
            lines = SourceMap.of(name, text);
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ConfigException(name, line, "invalid YAML: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            throw new ConfigException(name, markLine(e), "invalid YAML: " + firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(name, 1, "the configuration must be a mapping of keys");
        }
        root = resolve(root, "", lines);

        String listen = text(root, "listen", "127.0.0.1:7070");
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw lines.error("/listen", "listen must be host:port, got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw lines.error("/listen", "listen port must be a number, got '" + listen.substring(colon + 1) + "'");
        }
        String auditUrl = root.path("audit").path("url").asString(DEFAULT_AUDIT_URL);
        List<String> redact = strings(root.path("audit").path("redact"), "/audit/redact", lines);
        String separator = text(root, "toolNameSeparator", "__");
        if (separator.isEmpty()) {
            throw lines.error("/toolNameSeparator", "toolNameSeparator must not be empty");
        }
        Duration callTimeout = duration(root.path("callTimeout"), "/callTimeout", Duration.ofSeconds(30), lines);
        long maxBody = root.path("maxRequestBytes").asLong(4L * 1024 * 1024);

        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        JsonNode serversNode = root.path("servers");
        if (!serversNode.isMissingNode() && !serversNode.isObject()) {
            throw lines.error("/servers", "servers must be a mapping of name to server");
        }
        String transparent = null;
        for (Map.Entry<String, JsonNode> e : serversNode.properties()) {
            ServerConfig server = server(e.getKey(), e.getValue(), callTimeout, lines);
            if (!server.namespaced() && transparent != null) {
                throw lines.error(
                        "/servers/" + e.getKey() + "/namespace",
                        "servers '" + transparent + "' and '"
                                + e.getKey()
                                + "' both have namespace: false; their tool, prompt and resource names could "
                                + "collide, so at most one server may keep its own names");
            }
            if (!server.namespaced()) {
                transparent = e.getKey();
            }
            servers.put(e.getKey(), server);
        }
        Map<String, AgentConfig> agents = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("agents").properties()) {
            String p = "/agents/" + e.getKey();
            agents.put(
                    e.getKey(),
                    new AgentConfig(
                            e.getKey(),
                            strings(e.getValue().path("keys"), p + "/keys", lines),
                            strings(e.getValue().path("roles"), p + "/roles", lines)));
        }
        return new TollgateConfig(
                path,
                host,
                port,
                auditUrl,
                separator,
                servers,
                agents,
                redact,
                strings(root.path("allowedOrigins"), "/allowedOrigins", lines),
                callTimeout,
                maxBody,
                root,
                text,
                lines);
    }

    private static ServerConfig server(String name, JsonNode node, Duration defaultTimeout, SourceMap lines) {
        String p = "/servers/" + name;
        if (!node.isObject()) {
            throw lines.error(p, "server '" + name + "' must be a mapping with url or command");
        }
        if (name.contains(".")) {
            throw lines.error(
                    p, "server name '" + name + "' must not contain '.' (policy addresses tools as server.tool)");
        }
        Optional<String> url =
                node.hasNonNull("url") ? Optional.of(node.get("url").asString()) : Optional.empty();
        List<String> command = strings(node.path("command"), p + "/command", lines);
        if (url.isEmpty() && command.isEmpty()) {
            throw lines.error(p, "server '" + name + "' needs either url or command");
        }
        if (url.isPresent() && !command.isEmpty()) {
            throw lines.error(p, "server '" + name + "' has both url and command; choose one");
        }
        JsonNode protocol = node.path("protocol");
        if (!protocol.isMissingNode() && !ServerConfig.PROTOCOL_SETTINGS.contains(protocol.asString(""))) {
            throw lines.error(
                    p + "/protocol",
                    "server '" + name + "' protocol must be one of "
                            + String.join(", ", ServerConfig.PROTOCOL_SETTINGS));
        }
        if (!protocol.isMissingNode() && !protocol.asString("").equals(ServerConfig.PROTOCOL_AUTO) && url.isEmpty()) {
            throw lines.error(
                    p + "/protocol",
                    "server '" + name + "' protocol applies to url servers only; "
                            + "stdio servers speak the 2025 era");
        }
        JsonNode namespace = node.path("namespace");
        if (!namespace.isMissingNode() && !namespace.isBoolean()) {
            throw lines.error(p + "/namespace", "server '" + name + "' namespace must be true or false");
        }
        resilience(node, p, lines);
        return new ServerConfig(
                name,
                url,
                command,
                stringMap(node.path("headers")),
                stringMap(node.path("env")),
                duration(node.path("timeout"), p + "/timeout", defaultTimeout, lines),
                node);
    }

    /** Checks a server's {@code circuit: {failures, coolDown}} and {@code reconnect: {initialDelay, maxDelay}}. */
    private static void resilience(JsonNode server, String pointer, SourceMap lines) {
        JsonNode circuit = server.path("circuit");
        if (!circuit.isMissingNode()) {
            keys(circuit, pointer + "/circuit", List.of("failures", "coolDown"), lines);
            JsonNode failures = circuit.path("failures");
            if (!failures.isMissingNode() && !(failures.canConvertToInt() && failures.asInt() >= 0)) {
                throw lines.error(
                        pointer + "/circuit/failures",
                        "circuit failures must be a whole number >= 0 (0 turns the circuit off)");
            }
            duration(circuit.path("coolDown"), pointer + "/circuit/coolDown", Duration.ZERO, lines);
        }
        JsonNode reconnect = server.path("reconnect");
        if (!reconnect.isMissingNode()) {
            keys(reconnect, pointer + "/reconnect", List.of("initialDelay", "maxDelay"), lines);
            Duration initial = duration(
                    reconnect.path("initialDelay"), pointer + "/reconnect/initialDelay", Duration.ofSeconds(1), lines);
            if (initial.isZero()) {
                throw lines.error(pointer + "/reconnect/initialDelay", "reconnect initialDelay must be more than 0");
            }
            duration(reconnect.path("maxDelay"), pointer + "/reconnect/maxDelay", Duration.ZERO, lines);
        }
    }

    private static void keys(JsonNode node, String pointer, List<String> known, SourceMap lines) {
        if (!node.isObject()) {
            throw lines.error(pointer, "expected a mapping with " + String.join(", ", known));
        }
        for (String key : node.propertyNames()) {
            if (!known.contains(key)) {
                throw lines.error(
                        pointer + "/" + key, "unknown key '" + key + "' (expected " + String.join(", ", known) + ")");
            }
        }
    }

    private JsonNode resolve(JsonNode node, String pointer, SourceMap lines) {
        if (node.isString()) {
            String value = node.asString();
            Matcher m = ENV.matcher(value);
            if (!m.find()) {
                return node;
            }
            m.reset();
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String var = m.group(1);
                String resolved = environment
                        .apply(var)
                        .orElseThrow(() -> lines.error(pointer, "environment variable " + var + " is not set"));
                m.appendReplacement(out, Matcher.quoteReplacement(resolved));
            }
            m.appendTail(out);
            return StringNode.valueOf(out.toString());
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = YAML.createObjectNode();
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                copy.set(e.getKey(), resolve(e.getValue(), pointer + "/" + e.getKey(), lines));
            }
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = YAML.createArrayNode();
            for (int i = 0; i < array.size(); i++) {
                copy.add(resolve(array.get(i), pointer + "/" + i, lines));
            }
            return copy;
        }
        return node;
    }

    private static String text(JsonNode root, String key, String fallback) {
        JsonNode v = root.get(key);
        return v == null || v.isNull() ? fallback : v.asString();
    }

    private static List<String> strings(JsonNode node, String pointer, SourceMap lines) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isString()) {
            return List.of(node.asString());
        }
        if (!node.isArray()) {
            throw lines.error(pointer, "expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asString()));
        return out;
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    private static Duration duration(JsonNode node, String pointer, Duration fallback, SourceMap lines) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        try {
            return Durations.parse(node.asString());
        } catch (IllegalArgumentException e) {
            throw lines.error(pointer, e.getMessage());
        }
    }

    private static int markLine(RuntimeException e) {
        Matcher m = Pattern.compile("line (\\d+)").matcher(String.valueOf(e.getMessage()));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
