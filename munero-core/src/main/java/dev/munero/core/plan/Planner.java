package dev.munero.core.plan;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.StopReason;
import dev.munero.llm.StreamListener;
import dev.munero.llm.ToolDefinition;
import dev.munero.llm.Usage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The planning conversations of a run: {@link #plan} asks the model for a {@link Plan}, {@link #reflect} for a
 * {@link Reflection} on failed checks. Each offers the model one tool ({@code submit_plan} or
 * {@code submit_reflection}, see {@link PlanSchemas}) and reads the answer only from a call to it; the system
 * prompt requires the call ({@link ChatRequest} has no tool-choice setting to force it).
 *
 * <p>Repairs: when the model calls the tool with input that {@link PlanValidator} rejects, the conversation goes on
 * with the assistant's message and a user message holding an error {@link ContentBlock.ToolResult} for each of its
 * tool calls (by the model's call ids) that lists the problems; when it answers without a tool call, with a user
 * reminder. At most {@link #MAX_REPAIRS} repairs, so at most {@code MAX_REPAIRS + 1} model calls, then a
 * {@link PlanningException}.
 *
 * <p>Requests depend only on the arguments (no time, no generated ids, stable order), so a resumed run's calls
 * have the digests of the first run's. Not thread-safe: one conversation at a time; {@link #lastCalls()} and
 * {@link #lastUsage()} describe the latest.
 */
public final class Planner {
    /** The most follow-up requests after an invalid answer, per conversation. */
    public static final int MAX_REPAIRS = 3;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChatModel model;
    private final int maxOutputTokens;
    private final Roster roster;
    private int lastCalls;
    private Usage lastUsage = Usage.ZERO;

    /**
     * @param model           the planner's model (in a run, wrapped for storage and the budget)
     * @param maxOutputTokens the most tokens per answer, at least 1; a plan is one tool call, so leave room for a
     *                        long one
     * @throws IllegalArgumentException when {@code maxOutputTokens} is less than 1
     */
    public Planner(ChatModel model, int maxOutputTokens) {
        this(model, maxOutputTokens, Roster.NONE);
    }

    /**
     * A planner whose plans tag each task with a role and skills for the agent profiles of {@code roster}
     * (issue 14); with {@link Roster#NONE} it is {@link #Planner(ChatModel, int)}.
     *
     * @throws IllegalArgumentException when {@code maxOutputTokens} is less than 1
     */
    public Planner(ChatModel model, int maxOutputTokens, Roster roster) {
        this.roster = Objects.requireNonNull(roster, "roster");
        this.model = Objects.requireNonNull(model, "model");
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be at least 1, was " + maxOutputTokens);
        }
        this.maxOutputTokens = maxOutputTokens;
    }

    /**
     * Plans the work for a specification in one conversation. The user message holds the specification, the
     * repository's build steps (a check without {@code run} must name one), its files (sorted, the first 300
     * listed) and the lessons of earlier runs (a section only when there are any).
     *
     * @param spec    the specification, as the user wrote it
     * @param steps   the repository's build steps, in the engine's order
     * @param files   the repository's files, relative to its root, in any order
     * @param lessons lessons of earlier runs relevant to this one, most relevant first; may be empty
     * @return a plan that {@link PlanValidator#validatePlan} accepts for {@code steps}
     * @throws PlanningException    when the model gave no valid plan in {@code MAX_REPAIRS + 1} calls; it holds the
     *                              last answer's problems
     * @throws InterruptedException when the thread is interrupted while waiting for the model
     * @throws dev.munero.llm.ProviderException when the provider fails; any other unchecked exception of the model
     *                              (e.g. a budget guard's) also propagates unchanged
     */
    public Plan plan(String spec, List<StepInfo> steps, List<String> files, List<Lesson> lessons)
            throws PlanningException, InterruptedException {
        Objects.requireNonNull(spec, "spec");
        Set<String> stepNames = new LinkedHashSet<>();
        steps.forEach(s -> stepNames.add(s.name()));
        return converse("plan", PlanPrompts.PLAN_SYSTEM, PlanPrompts.planRequest(spec, steps, files, lessons,
                roster), PlanSchemas.submitPlanTool(roster), input -> PlanValidator.validatePlan(input, stepNames,
                roster));
    }

    /**
     * Reflects on failed checks in one conversation. The user message holds the specification, the current plan
     * with each task marked done or not done, its checks, the failures (step, exit code, failing tests, the last
     * 6,000 characters of the log) and the lessons of earlier runs.
     *
     * @param spec        the specification
     * @param current     the plan the checks belong to
     * @param doneTaskIds ids of its tasks that are done
     * @param failures    the failed checks, at least one
     * @param lessons     lessons of earlier runs relevant to this one; may be empty
     * @return a reflection that {@link PlanValidator#validateReflection} accepts for {@code current}; apply its
     *         tasks with {@link Plan#revise}
     * @throws IllegalArgumentException when {@code failures} is empty or a done id is not a task of the plan
     * @throws PlanningException        when the model gave no valid reflection in {@code MAX_REPAIRS + 1} calls
     * @throws InterruptedException     when the thread is interrupted while waiting for the model
     * @throws dev.munero.llm.ProviderException when the provider fails; any other unchecked exception of the model
     *                                  also propagates unchanged
     */
    public Reflection reflect(String spec, Plan current, List<String> doneTaskIds, List<CheckFailure> failures,
                              List<Lesson> lessons) throws PlanningException, InterruptedException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(current, "current");
        if (failures.isEmpty()) {
            throw new IllegalArgumentException("there is nothing to reflect on: no check failed");
        }
        Set<String> done = new LinkedHashSet<>(doneTaskIds);
        for (String id : done) {
            if (current.task(id).isEmpty()) {
                throw new IllegalArgumentException("done task '" + id + "' is not a task of the plan");
            }
        }
        return converse("reflection", PlanPrompts.REFLECT_SYSTEM,
                PlanPrompts.reflectRequest(spec, current, done, failures, lessons),
                PlanSchemas.submitReflectionTool(), input -> PlanValidator.validateReflection(input, current));
    }

    /** The model calls the latest {@link #plan} or {@link #reflect} made, including failed and repair calls. */
    public int lastCalls() {
        return lastCalls;
    }

    /** The tokens of the latest {@link #plan} or {@link #reflect}, summed over its calls. */
    public Usage lastUsage() {
        return lastUsage;
    }

    private <T> T converse(String what, String system, String request, ToolDefinition tool,
                           Function<JsonNode, PlanValidator.Result<T>> validate)
            throws PlanningException, InterruptedException {
        lastCalls = 0;
        lastUsage = Usage.ZERO;
        List<Message> messages = new ArrayList<>();
        messages.add(Message.user(request));
        List<String> problems = List.of();
        for (int attempt = 0; attempt <= MAX_REPAIRS; attempt++) {
            lastCalls++;
            ChatResponse response = model.chat(new ChatRequest(system, messages, List.of(tool), maxOutputTokens),
                    StreamListener.NONE);
            lastUsage = lastUsage.plus(response.usage());
            messages.add(response.message());
            List<ContentBlock.ToolCall> calls = response.message().toolCalls();
            String cutOff = response.stopReason() == StopReason.MAX_TOKENS
                    ? "the answer was cut off at the output limit of " + maxOutputTokens + " tokens: send a shorter "
                    + what + " (terser descriptions, fewer tasks)" : "";
            if (calls.isEmpty()) {
                problems = cutOff.isEmpty() ? List.of("the answer called no tool") : List.of(cutOff);
                messages.add(Message.user("You answered without calling " + tool.name() + ", and only that call is "
                        + "read. Call " + tool.name() + " now with the whole " + what + "."
                        + (cutOff.isEmpty() ? "" : " Note: " + cutOff + ".")));
                continue;
            }
            List<ContentBlock> results = new ArrayList<>();
            List<String> answerProblems = new ArrayList<>();
            for (ContentBlock.ToolCall call : calls) {
                List<String> callProblems;
                if (!call.name().equals(tool.name())) {
                    callProblems = List.of("there is no tool named '" + call.name() + "'; the only tool is "
                            + tool.name());
                } else {
                    switch (validate(call.argumentsJson(), validate)) {
                        case PlanValidator.Result.Valid<T> valid -> {
                            return valid.value();
                        }
                        case PlanValidator.Result.Invalid<T> invalid -> callProblems = invalid.problems();
                    }
                }
                if (!cutOff.isEmpty()) {
                    callProblems = append(callProblems, cutOff);
                }
                answerProblems.addAll(callProblems);
                results.add(new ContentBlock.ToolResult(call.id(), "The " + what + " was not accepted. Fix these "
                        + "problems and call " + tool.name() + " again with the whole " + what + ":\n- "
                        + String.join("\n- ", callProblems), true));
            }
            problems = answerProblems;
            messages.add(new Message(Message.Role.USER, results));
        }
        throw new PlanningException(what, lastCalls, problems);
    }

    private static <T> PlanValidator.Result<T> validate(String argumentsJson,
                                                        Function<JsonNode, PlanValidator.Result<T>> validate) {
        JsonNode input;
        try {
            input = JSON.readTree(argumentsJson);
        } catch (JacksonException e) {
            return new PlanValidator.Result.Invalid<>(List.of("(top level): the input is not valid JSON: "
                    + e.getOriginalMessage()));
        }
        return validate.apply(input);
    }

    private static List<String> append(List<String> list, String item) {
        List<String> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }
}
