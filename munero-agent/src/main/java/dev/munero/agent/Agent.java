package dev.munero.agent;

import dev.munero.agent.safety.Decision;
import dev.munero.agent.safety.PermissionException;
import dev.munero.agent.tools.OutputCap;
import dev.munero.agent.tools.PermissionGate;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolKind;
import dev.munero.agent.tools.ToolResult;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.PrefixReuse;
import dev.munero.llm.ProviderException;
import dev.munero.llm.StopReason;
import dev.munero.llm.TokenEstimator;
import dev.munero.llm.ToolDefinition;
import dev.munero.llm.Usage;
import dev.munero.llm.pricing.ModelInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent loop. A turn sends the conversation to the model, runs every tool call it asked for (after the
 * {@link PermissionGate}), and appends the results; turns repeat until the model ends its turn or calls
 * {@code finish}, or a limit stops it ({@link AgentLimits}: turns, cost checked before each call against that
 * call's projected cost, wall-clock timeout, a repeated identical failing tool call). The result says which.
 *
 * <p>Invariants: the conversation only grows by appending, except when the {@link ContextManager} trims old tool
 * results to fit the context window; every tool call gets exactly one result; a failing tool never ends the run.
 *
 * <p>Not thread-safe: one run at a time per instance. Parallel agents use one instance each (they may share the
 * {@link ChatModel}).
 */
public final class Agent {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChatModel model;
    private final ModelInfo modelInfo;
    private final ToolContext context;
    private final List<Tool> tools;
    private final Map<String, Tool> toolsByName;
    private final AgentLimits limits;
    private final AgentListener listener;
    private final Clock clock;
    private final String systemPrompt;
    private final List<ToolDefinition> definitions;

    private Agent(Builder b) {
        this.model = b.model;
        this.modelInfo = b.modelInfo;
        this.context = b.context;
        this.tools = List.copyOf(b.tools);
        this.limits = b.limits;
        this.listener = b.listener;
        this.clock = b.clock;
        Map<String, Tool> byName = new LinkedHashMap<>();
        List<ToolDefinition> defs = new ArrayList<>();
        for (Tool tool : tools) {
            if (byName.put(tool.name(), tool) != null) {
                throw new IllegalArgumentException("two tools are named " + tool.name());
            }
            defs.add(new ToolDefinition(tool.name(), tool.description(), tool.inputSchema()));
        }
        this.toolsByName = byName;
        this.definitions = List.copyOf(defs);
        this.systemPrompt = b.systemPrompt != null ? b.systemPrompt : SystemPrompt.build(tools);
    }

    /**
     * A builder for an agent on a model and a workspace.
     *
     * @param model   the chat model (usually from {@code Providers.open}, or a replay)
     * @param context the workspace, permissions and sandbox the tools run with
     */
    public static Builder builder(ChatModel model, ToolContext context) {
        return new Builder(model, context);
    }

    /**
     * Runs the task to a stop condition. Never throws for the model's or the tools' failures: they end up in the
     * result ({@link StopCondition#PROVIDER_ERROR}, error tool results).
     *
     * @param task what to do, in the user's words
     * @return how it ended, with usage and cost
     */
    public AgentResult run(String task) {
        Objects.requireNonNull(task, "task");
        Instant start = clock.instant();
        Instant deadline = start.plus(limits.timeout());
        Thread runner = Thread.currentThread();
        Thread watchdog = Thread.ofVirtual().name("munero-agent-timeout").start(() -> {
            try {
                Thread.sleep(limits.timeout());
                runner.interrupt();
            } catch (InterruptedException finished) {
                // the run ended first
            }
        });
        Run run = new Run(start);
        try {
            return run.loop(task, deadline);
        } finally {
            watchdog.interrupt();
            Thread.interrupted(); // a late watchdog interrupt must not leak to the caller
        }
    }

    /** The mutable state of one run. */
    private final class Run {
        final Instant start;
        final List<Message> conversation = new ArrayList<>();
        final List<Double> prefixShares = new ArrayList<>();
        final Map<String, Integer> failures = new HashMap<>();
        final ContextManager contextManager;
        Usage usage = Usage.ZERO;
        double costUsd;
        boolean costKnown = true;
        int turns;
        int toolCalls;
        String lastText = "";
        ChatRequest previous;

        Run(Instant start) {
            this.start = start;
            long fixed = TokenEstimator.tokens(systemPrompt) + definitions.stream()
                    .mapToLong(d -> TokenEstimator.tokens(d.description() + d.inputSchema())).sum();
            this.contextManager = new ContextManager(modelInfo.contextWindowTokens().orElse(100_000),
                    limits.maxOutputTokens(), fixed);
        }

        AgentResult loop(String task, Instant deadline) {
            conversation.add(Message.user(task));
            while (true) {
                if (turns >= limits.maxTurns()) {
                    return stop(StopCondition.MAX_TURNS, lastText, "used all " + limits.maxTurns() + " turns");
                }
                if (!clock.instant().isBefore(deadline)) {
                    return stop(StopCondition.TIMEOUT, lastText, "the timeout of " + limits.timeout() + " passed");
                }
                ContextManager.Fitted fitted = contextManager.fit(conversation);
                if (fitted.trimmed() > 0) {
                    conversation.clear();
                    conversation.addAll(fitted.messages());
                    listener.onEvent(new AgentEvent.ContextTrimmed(turns + 1, fitted.trimmed(), fitted.tokensBefore(),
                            fitted.tokensAfter()));
                }
                ChatRequest request = new ChatRequest(systemPrompt, conversation, definitions,
                        limits.maxOutputTokens());
                long estimate = TokenEstimator.inputTokens(request);
                String overBudget = checkBudget(estimate);
                if (overBudget != null) {
                    return stop(StopCondition.MAX_COST, lastText, overBudget);
                }
                turns++;
                listener.onEvent(new AgentEvent.TurnStarted(turns, estimate, conversation.size()));
                Instant callStart = clock.instant();
                ChatResponse response;
                try {
                    final int turn = turns;
                    response = model.chat(request, text -> listener.onEvent(new AgentEvent.TextDelta(turn, text)));
                } catch (InterruptedException e) {
                    return interrupted(deadline);
                } catch (ProviderException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        return interrupted(deadline);
                    }
                    return stop(StopCondition.PROVIDER_ERROR, lastText, e.getMessage());
                }
                double share = previous == null ? 0 : PrefixReuse.share(previous, request);
                if (previous != null) {
                    prefixShares.add(share);
                }
                previous = request;
                account(response, share, Duration.between(callStart, clock.instant()));
                conversation.add(response.message());
                String text = response.message().text();
                if (!text.isBlank()) {
                    lastText = text;
                }
                List<ContentBlock.ToolCall> calls = response.message().toolCalls();
                if (calls.isEmpty()) {
                    return response.stopReason() == StopReason.MAX_TOKENS
                            ? stop(StopCondition.MAX_OUTPUT_TOKENS, lastText, "the answer was cut at "
                                    + limits.maxOutputTokens() + " output tokens")
                            : stop(StopCondition.END_TURN, lastText, "the model ended its turn");
                }
                List<ContentBlock> results = new ArrayList<>();
                String finishSummary = null;
                String loop = null;
                for (ContentBlock.ToolCall call : calls) {
                    Outcome outcome;
                    try {
                        outcome = execute(call);
                    } catch (InterruptedException e) {
                        return interrupted(deadline);
                    } catch (PermissionException e) {
                        return stop(StopCondition.PERMISSION_REQUIRED, lastText, e.getMessage());
                    }
                    results.add(new ContentBlock.ToolResult(call.id(), outcome.result().content(),
                            outcome.result().error()));
                    if (outcome.finish() && !outcome.result().error()) {
                        finishSummary = outcome.result().content();
                    }
                    if (outcome.result().error()) {
                        String key = call.name() + "\u0000" + canonicalArguments(call.argumentsJson()) + "\u0000"
                                + outcome.result().content();
                        int seen = failures.merge(key, 1, Integer::sum);
                        if (seen >= limits.maxRepeatedFailures()) {
                            loop = call.name() + " failed the same way " + seen + " times with the same arguments";
                        }
                    }
                }
                conversation.add(new Message(Message.Role.USER, results));
                if (finishSummary != null) {
                    return stop(StopCondition.FINISHED, finishSummary, "the model called finish");
                }
                if (loop != null) {
                    return stop(StopCondition.LOOP_DETECTED, lastText, loop);
                }
            }
        }

        private String checkBudget(long estimatedInput) {
            if (limits.maxCostUsd().isEmpty()) {
                return null;
            }
            double max = limits.maxCostUsd().getAsDouble();
            OptionalDouble worst = modelInfo.worstCaseCost(estimatedInput, limits.maxOutputTokens());
            if (!costKnown || worst.isEmpty()) {
                return "the cost limit needs a known price for " + model.model() + ", and it has none";
            }
            double projected = worst.getAsDouble();
            if (costUsd + projected > max) {
                return String.format("the next call could cost up to $%.4f and only $%.4f of the $%.4f limit is left",
                        projected, max - costUsd, max);
            }
            return null;
        }

        private void account(ChatResponse response, double share, Duration duration) {
            usage = usage.plus(response.usage());
            OptionalDouble cost = modelInfo.cost(response.usage());
            if (cost.isPresent()) {
                costUsd += cost.getAsDouble();
            } else {
                costKnown = false;
            }
            listener.onEvent(new AgentEvent.ModelResponded(turns, response.message().text(),
                    response.message().toolCalls().size(), response.stopReason().name().toLowerCase(),
                    response.usage(), cost, total(), share, duration));
        }

        private OptionalDouble total() {
            return costKnown ? OptionalDouble.of(costUsd) : OptionalDouble.empty();
        }

        private record Outcome(ToolResult result, boolean finish) { }

        private Outcome execute(ContentBlock.ToolCall call) throws InterruptedException {
            toolCalls++;
            listener.onEvent(new AgentEvent.ToolCallStarted(turns, call.id(), call.name(), call.argumentsJson()));
            Instant begin = clock.instant();
            Tool tool = toolsByName.get(call.name());
            ToolResult result;
            if (tool == null) {
                result = ToolResult.error("there is no tool named '" + call.name() + "'; the tools are "
                        + String.join(", ", toolsByName.keySet()));
            } else {
                result = run(tool, call);
            }
            result = cap(result);
            listener.onEvent(new AgentEvent.ToolCallFinished(turns, call.id(), call.name(), result.error(),
                    result.content(), Duration.between(begin, clock.instant())));
            return new Outcome(result, tool != null && tool.kind() == ToolKind.FINISH);
        }

        private ToolResult run(Tool tool, ContentBlock.ToolCall call) throws InterruptedException {
            JsonNode input;
            try {
                input = JSON.readTree(call.argumentsJson());
            } catch (JacksonException e) {
                return ToolResult.error("the arguments are not valid JSON: " + e.getOriginalMessage());
            }
            if (!input.isObject()) {
                return ToolResult.error("the arguments must be a JSON object");
            }
            Decision decision = PermissionGate.check(tool, input, context);
            return switch (decision) {
                case Decision.Deny deny -> ToolResult.error(deny.reason());
                case Decision.Ask ask -> ToolResult.error("not run: " + ask.reason());
                case Decision.Allow allow -> {
                    try {
                        yield tool.execute(input, context);
                    } catch (RuntimeException e) {
                        if (e instanceof PermissionException) {
                            throw e;
                        }
                        yield ToolResult.error(tool.name() + " failed: " + e);
                    }
                }
            };
        }

        /**
         * Caps a result the tool left long (most tools cap their own output the same way), with every secret value
         * removed ({@link dev.munero.agent.safety.SecretRedactor}).
         */
        private ToolResult cap(ToolResult result) {
            return new ToolResult(OutputCap.cap(context.redactor().redact(result.content()), context.maxOutputChars()),
                    result.error());
        }

        private AgentResult interrupted(Instant deadline) {
            Thread.interrupted();
            return clock.instant().isBefore(deadline)
                    ? stop(StopCondition.INTERRUPTED, lastText, "cancelled")
                    : stop(StopCondition.TIMEOUT, lastText, "the timeout of " + limits.timeout() + " passed");
        }

        private AgentResult stop(StopCondition condition, String summary, String detail) {
            listener.onEvent(new AgentEvent.Stopped(turns, condition, detail));
            return new AgentResult(condition, summary, detail, turns, toolCalls, usage, total(), prefixShares,
                    Duration.between(start, clock.instant()));
        }
    }

    private static String canonicalArguments(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (JacksonException e) {
            return json;
        }
    }

    /** Builds an {@link Agent}; defaults: the standard tools, {@link AgentLimits#DEFAULTS}, no listener. */
    public static final class Builder {
        private final ChatModel model;
        private final ToolContext context;
        private ModelInfo modelInfo = ModelInfo.UNKNOWN;
        private List<Tool> tools = dev.munero.agent.tools.Tools.standard();
        private AgentLimits limits = AgentLimits.DEFAULTS;
        private AgentListener listener = AgentListener.NONE;
        private Clock clock = Clock.systemUTC();
        private String systemPrompt;

        private Builder(ChatModel model, ToolContext context) {
            this.model = Objects.requireNonNull(model, "model");
            this.context = Objects.requireNonNull(context, "context");
        }

        /** Prices and context window of the model; unknown prices make the cost unknown. */
        public Builder modelInfo(ModelInfo info) {
            this.modelInfo = Objects.requireNonNull(info, "modelInfo");
            return this;
        }

        public Builder tools(List<Tool> tools) {
            this.tools = List.copyOf(tools);
            return this;
        }

        public Builder limits(AgentLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder listener(AgentListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Replaces the built-in system prompt (later issues add planning context to it). */
        public Builder systemPrompt(String systemPrompt) {
            this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
            return this;
        }

        /**
         * @throws IllegalArgumentException when two tools share a name, or a cost limit is set for a model
         *                                  without a known price
         */
        public Agent build() {
            if (limits.maxCostUsd().isPresent() && !modelInfo.priced()) {
                throw new IllegalArgumentException("a cost limit needs the price of " + model.model()
                        + ", which Munero does not know; add it to models.toml in the user config directory");
            }
            return new Agent(this);
        }
    }
}
