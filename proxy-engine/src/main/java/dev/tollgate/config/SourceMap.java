package dev.tollgate.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Maps JSON pointers of a YAML document ("/roles/billing/deny/0") to their 1-based source lines, so
 * every config error can name the line that caused it.
 */
public final class SourceMap {
    private final String file;
    private final Map<String, Integer> lines;

    private SourceMap(String file, Map<String, Integer> lines) {
        this.file = file;
        this.lines = lines;
    }

    public static SourceMap empty(String file) {
        return new SourceMap(file, Map.of());
    }

    public static SourceMap of(String file, String yaml) {
        Map<String, Integer> lines = new HashMap<>();
        LoadSettings settings = LoadSettings.builder().build();
        Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml)));
        if (composer.hasNext()) {
            walk(composer.next(), "", lines);
        }
        return new SourceMap(file, Map.copyOf(lines));
    }

    private static void walk(Node node, String pointer, Map<String, Integer> lines) {
        node.getStartMark().ifPresent(m -> lines.putIfAbsent(pointer, m.getLine() + 1));
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key) {
                    String child = pointer + "/" + escape(key.getValue());
                    key.getStartMark().ifPresent(m -> lines.put(child, m.getLine() + 1));
                    walk(tuple.getValueNode(), child, lines);
                }
            }
        } else if (node instanceof SequenceNode sequence) {
            int i = 0;
            for (Node item : sequence.getValue()) {
                walk(item, pointer + "/" + i++, lines);
            }
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** The line of the node at this pointer, or of its nearest ancestor that has one. */
    public int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int slash = p.lastIndexOf('/');
            if (slash < 0) {
                return 0;
            }
            p = p.substring(0, slash);
        }
    }

    public Optional<Integer> exactLine(String pointer) {
        return Optional.ofNullable(lines.get(pointer));
    }

    public String file() {
        return file;
    }

    /** {@code file:line} for a pointer, as decisions quote their rule's source. */
    public String location(String pointer) {
        return file + ":" + line(pointer);
    }

    public ConfigException error(String pointer, String message) {
        return new ConfigException(file, line(pointer), message);
    }
}
