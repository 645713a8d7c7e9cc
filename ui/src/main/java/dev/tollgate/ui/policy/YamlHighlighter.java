package dev.tollgate.ui.policy;

import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

/** Style spans for the policy YAML: keys, quoted strings, comments, list dashes, numbers and rates. */
public final class YamlHighlighter {
    private static final Pattern TOKENS = Pattern.compile(
            "(?<COMMENT>(?<=^|\\s)#[^\\n]*)"
                    + "|(?<KEY>[A-Za-z0-9_.\\-*\"']+(?=\\s*:(\\s|$)))"
                    + "|(?<STRING>\"(?:[^\"\\\\\\n]|\\\\.)*\"|'[^'\\n]*')"
                    + "|(?<DASH>(?<=^|\\n)\\s*-(?=\\s))"
                    + "|(?<NUMBER>\\b\\d+(?:\\.\\d+)?(?:/(?:s|sec|m|min|h|hour|d|day)|ms|s|m|h)?\\b)",
            Pattern.MULTILINE);

    private YamlHighlighter() {}

    public static StyleSpans<Collection<String>> highlight(String text) {
        Matcher m = TOKENS.matcher(text);
        StyleSpansBuilder<Collection<String>> spans = new StyleSpansBuilder<>();
        int last = 0;
        while (m.find()) {
            String style = m.group("COMMENT") != null
                    ? "yaml-comment"
                    : m.group("KEY") != null
                            ? "yaml-key"
                            : m.group("STRING") != null
                                    ? "yaml-string"
                                    : m.group("DASH") != null ? "yaml-dash" : "yaml-number";
            spans.add(List.of(), m.start() - last);
            spans.add(List.of(style), m.end() - m.start());
            last = m.end();
        }
        spans.add(List.of(), text.length() - last);
        return spans.create();
    }
}
