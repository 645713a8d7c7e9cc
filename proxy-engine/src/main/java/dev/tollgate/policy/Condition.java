package dev.tollgate.policy;

import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.tollgate.identity.UserIdentity;
import dev.tollgate.pipeline.ToolCall;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A rule's {@code when:} CEL expression, compiled once at load time. It sees {@code args} (the call's
 * arguments), {@code agent} ({@code id}, {@code roles}), {@code user} ({@code subject}, {@code groups},
 * {@code scopes}; empty when no user), {@code tool} ({@code server.tool}) and {@code now}/{@code time}.
 */
public final class Condition {
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .build();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("args", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("agent", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("user", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("tool", SimpleType.STRING)
            .addVar("server", SimpleType.STRING)
            .addVar("now", SimpleType.TIMESTAMP)
            .addVar("time", SimpleType.TIMESTAMP)
            .addVar("roles", ListType.create(SimpleType.STRING))
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private final String expression;
    private final CelRuntime.Program program;

    private Condition(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /** Compiles the expression; the message of the thrown exception is CEL's own, one line per problem. */
    public static Condition compile(String expression) {
        CelValidationResult result = COMPILER.compile(expression);
        if (result.hasError()) {
            throw new IllegalArgumentException("condition '" + expression + "' does not compile: "
                    + String.join(" ", result.getErrorString().lines().map(String::strip).toList()));
        }
        try {
            if (!result.getAst().getResultType().equals(SimpleType.BOOL)
                    && !result.getAst().getResultType().equals(SimpleType.DYN)) {
                throw new IllegalArgumentException("condition '" + expression + "' must be true or false, but is a "
                        + result.getAst().getResultType().name());
            }
            return new Condition(expression, RUNTIME.createProgram(result.getAst()));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("condition '" + expression + "' does not compile: " + e.getMessage(), e);
        }
    }

    public String expression() {
        return expression;
    }

    /** Whether the condition holds for this call at {@code now}; throws when it cannot be decided. */
    public boolean test(ToolCall call, Instant now) throws ConditionException {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("args", call.arguments() == null || !call.arguments().isObject() ? Map.of() : toCel(call.arguments()));
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("id", call.agentId());
        List<String> roles = call.agent().map(a -> a.roles()).orElse(List.of());
        agent.put("roles", roles);
        vars.put("agent", agent);
        vars.put("roles", roles);
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("subject", call.user().map(UserIdentity::subject).orElse(""));
        user.put("groups", call.user().map(UserIdentity::groups).orElse(List.of()));
        user.put("scopes", call.user().map(UserIdentity::scopes).orElse(List.of()));
        vars.put("user", user);
        vars.put("tool", call.tool().qualified());
        vars.put("server", call.tool().server());
        vars.put("now", now);
        vars.put("time", now);
        Object value;
        try {
            value = program.eval(vars);
        } catch (CelEvaluationException | RuntimeException e) {
            throw new ConditionException("condition '" + expression + "' could not be evaluated: "
                    + firstLine(e.getMessage()), e);
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ConditionException("condition '" + expression + "' gave " + value + " instead of true or false", null);
    }

    private static String firstLine(String message) {
        String line = message == null ? "unknown error" : message.lines().findFirst().orElse(message).strip();
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }

    /** JSON to the values CEL knows: integers as long (or double when too large), objects as maps. */
    static Object toCel(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                Object v = toCel(e.getValue());
                if (v != null) {
                    map.put(e.getKey(), v);
                }
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode item : node) {
                Object v = toCel(item);
                if (v != null) {
                    list.add(v);
                }
            }
            return list;
        }
        if (node.isIntegralNumber()) {
            BigInteger big = node.bigIntegerValue();
            return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isString()) {
            return node.asString();
        }
        return null;
    }
}
