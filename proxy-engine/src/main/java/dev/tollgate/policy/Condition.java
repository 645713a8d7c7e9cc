package dev.tollgate.policy;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.tollgate.history.CallHistory;
import dev.tollgate.history.HistoryView;
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
 * {@code scopes}; empty when no user), {@code tool} ({@code server.tool}), {@code now}/{@code time}, and
 * {@code session}/{@code conversation} with {@code count(tool)}, {@code sum(tool, argument)} and
 * {@code called(tool)} over the earlier allowed calls of the same MCP session or conversation id.
 */
public final class Condition {
    private static final CelOptions OPTIONS =
            CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
    private static final OpaqueType HISTORY = OpaqueType.create("tollgate.History");
    private static final String COUNT = "history_count";
    private static final String SUM = "history_sum";
    private static final String CALLED = "history_called";
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
            .addVar("session", HISTORY)
            .addVar("conversation", HISTORY)
            .addFunctionDeclarations(
                    CelFunctionDecl.newFunctionDeclaration(
                            "count",
                            CelOverloadDecl.newMemberOverload(COUNT, SimpleType.INT, HISTORY, SimpleType.STRING)),
                    CelFunctionDecl.newFunctionDeclaration(
                            "sum",
                            CelOverloadDecl.newMemberOverload(
                                    SUM, SimpleType.DOUBLE, HISTORY, SimpleType.STRING, SimpleType.STRING)),
                    CelFunctionDecl.newFunctionDeclaration(
                            "called",
                            CelOverloadDecl.newMemberOverload(CALLED, SimpleType.BOOL, HISTORY, SimpleType.STRING)))
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addFunctionBindings(
                    CelFunctionBinding.from(COUNT, HistoryView.class, String.class, HistoryView::count),
                    CelFunctionBinding.from(
                            SUM,
                            List.of(HistoryView.class, String.class, String.class),
                            args -> ((HistoryView) args[0]).sum((String) args[1], (String) args[2])),
                    CelFunctionBinding.from(CALLED, HistoryView.class, String.class, HistoryView::called))
            .build();

    private final String expression;
    private final CelRuntime.Program program;
    private final boolean usesHistory;

    private Condition(String expression, CelRuntime.Program program, boolean usesHistory) {
        this.expression = expression;
        this.program = program;
        this.usesHistory = usesHistory;
    }

    /** Compiles the expression; the message of the thrown exception is CEL's own, one line per problem. */
    public static Condition compile(String expression) {
        CelValidationResult result = COMPILER.compile(expression);
        if (result.hasError()) {
            throw new IllegalArgumentException("condition '" + expression + "' does not compile: "
                    + String.join(
                            " ",
                            result.getErrorString().lines().map(String::strip).toList()));
        }
        try {
            if (!result.getAst().getResultType().equals(SimpleType.BOOL)
                    && !result.getAst().getResultType().equals(SimpleType.DYN)) {
                throw new IllegalArgumentException("condition '" + expression + "' must be true or false, but is a "
                        + result.getAst().getResultType().name());
            }
            boolean history = result.getAst().getReferenceMap().values().stream()
                    .flatMap(ref -> ref.overloadIds().stream())
                    .anyMatch(id -> id.equals(COUNT) || id.equals(SUM) || id.equals(CALLED));
            return new Condition(expression, RUNTIME.createProgram(result.getAst()), history);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("condition '" + expression + "' does not compile: " + e.getMessage(), e);
        }
    }

    public String expression() {
        return expression;
    }

    /** Whether the condition asks about earlier calls ({@code session.*}, {@code conversation.*}). */
    public boolean usesHistory() {
        return usesHistory;
    }

    /** As {@link #test(ToolCall, Instant, CallHistory)} with no earlier calls. */
    public boolean test(ToolCall call, Instant now) throws ConditionException {
        return test(call, now, CallHistory.NONE);
    }

    /** Whether the condition holds for this call at {@code now}; throws when it cannot be decided. */
    public boolean test(ToolCall call, Instant now, CallHistory history) throws ConditionException {
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
        vars.put("session", history.session(call));
        vars.put("conversation", history.conversation(call));
        Object value;
        try {
            value = program.eval(vars);
        } catch (CelEvaluationException | RuntimeException e) {
            throw new ConditionException(
                    "condition '" + expression + "' could not be evaluated: " + firstLine(e.getMessage()), e);
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ConditionException(
                "condition '" + expression + "' gave " + value + " instead of true or false", null);
    }

    private static String firstLine(String message) {
        String line = message == null
                ? "unknown error"
                : message.lines().findFirst().orElse(message).strip();
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
