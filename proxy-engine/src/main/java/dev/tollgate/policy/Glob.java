package dev.tollgate.policy;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A {@code *} glob over {@code server.tool} names, e.g. {@code payments.*} or {@code *.get*}. */
public record Glob(String pattern, Pattern regex) {
    public static Glob of(String pattern) {
        String regex = Arrays.stream(pattern.split("\\*", -1))
                .map(part -> part.isEmpty() ? "" : Pattern.quote(part))
                .collect(Collectors.joining(".*"));
        return new Glob(pattern, Pattern.compile(regex));
    }

    public boolean matches(String name) {
        return regex.matcher(name).matches();
    }
}
