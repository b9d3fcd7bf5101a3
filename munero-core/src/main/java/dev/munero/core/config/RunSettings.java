package dev.munero.core.config;

import dev.munero.core.swarm.ScoringWeights;
import dev.munero.engine.config.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The effective settings of {@code munero run}, each with its source; made by {@link RunSettingsResolver}, which
 * has checked every value (the ranges are documented there). Immutable.
 *
 * @param model           {@code provider:model}, e.g. {@code anthropic:claude-sonnet-4-6}
 * @param budgetUsd       the most the run may spend on model calls, in USD; empty for no budget
 * @param timeout         the longest the run may take
 * @param maxIterations   execute-observe-reflect iterations before the run fails
 * @param agents          task agents at once
 * @param maxTurns        model calls per task agent
 * @param maxOutputTokens max output tokens per model call
 * @param permissionMode  {@code ask}, {@code auto-edit} or {@code full} (a {@code PermissionMode} cli name)
 * @param allow           command patterns the agents may run without asking, added to the built-in list
 * @param logLevel        {@code error}, {@code warn}, {@code info} or {@code debug}
 * @param metricsEnabled  whether the run writes its metrics report
 * @param sandbox         {@code auto}, {@code on} or {@code off} (a {@code SandboxMode} cli name): where agents'
 *                        commands and the checks run
 * @param leases          {@code on} or {@code off}: whether tasks lease the files they edit (issue 14)
 * @param reviewRounds    the most reviews of one task when the run has a reviewer profile (issue 14)
 * @param schedulerWeights the weights of the agent scheduler's factors ({@code scheduler: weights:}, issue 14)
 * @param worker          who executes tasks (issue 15): {@code agent} (built-in), {@code claude-code}, {@code codex},
 *                        {@code gemini}; an agent profile's {@code worker:} wins for its tasks
 * @param workerInactivity how long a CLI worker may send no event before it counts as hung ({@code workers:
 *                        inactivity:}, issue 15), more than 0
 * @param workerGrace     how long a CLI worker's process may live on after its final event ({@code workers: grace:})
 */
public record RunSettings(Sourced<String> model, Sourced<OptionalDouble> budgetUsd, Sourced<Duration> timeout,
                          Sourced<Integer> maxIterations, Sourced<Integer> agents, Sourced<Integer> maxTurns,
                          Sourced<Integer> maxOutputTokens, Sourced<String> permissionMode, Sourced<List<String>> allow,
                          Sourced<String> logLevel, Sourced<Boolean> metricsEnabled, Sourced<String> sandbox,
                          Sourced<String> leases, Sourced<Integer> reviewRounds,
                          Sourced<ScoringWeights> schedulerWeights, Sourced<String> worker,
                          Sourced<Duration> workerInactivity, Sourced<Duration> workerGrace) {

    public RunSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(budgetUsd, "budgetUsd");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(maxIterations, "maxIterations");
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(maxTurns, "maxTurns");
        Objects.requireNonNull(maxOutputTokens, "maxOutputTokens");
        Objects.requireNonNull(permissionMode, "permissionMode");
        Objects.requireNonNull(allow, "allow");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(metricsEnabled, "metricsEnabled");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(leases, "leases");
        Objects.requireNonNull(reviewRounds, "reviewRounds");
        Objects.requireNonNull(schedulerWeights, "schedulerWeights");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(workerInactivity, "workerInactivity");
        Objects.requireNonNull(workerGrace, "workerGrace");
        allow = new Sourced<>(List.copyOf(allow.value()), allow.source());
    }

    /**
     * One setting for printing.
     *
     * @param key    the key in munero.yaml's {@code run:} section, e.g. {@code budget_usd}
     * @param value  the value as a person reads it: {@code none} for no budget, a timeout as {@code 1h}, a list
     *               as {@code [make, npm run *]}
     * @param source see {@link Sourced#source()}
     * @param json   the value as JSON: a number, string, boolean, array of strings, or null for no budget; a
     *               timeout is its munero.yaml form ({@code "1h"})
     */
    public record Entry(String key, String value, String source, JsonNode json) {
    }

    /**
     * Every setting in the order of {@code RunSettingsResolver.keys()}, which is the order of the documentation,
     * then the scheduler's weights, an entry each, {@code scheduler.weights.availability} and so on, then the CLI
     * workers' {@code workers.inactivity} and {@code workers.grace} (durations as in munero.yaml, {@code "10m"}).
     */
    public List<Entry> entries() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        OptionalDouble budget = budgetUsd.value();
        String time = Durations.format(timeout.value());
        ArrayNode patterns = f.arrayNode();
        allow.value().forEach(patterns::add);
        List<Entry> entries = new java.util.ArrayList<>(List.of(
                new Entry("model", model.value(), model.source(), f.stringNode(model.value())),
                new Entry("budget_usd", budget.isPresent() ? usd(budget.getAsDouble()) : "none", budgetUsd.source(),
                        budget.isPresent() ? f.numberNode(budget.getAsDouble()) : f.nullNode()),
                new Entry("timeout", time, timeout.source(), f.stringNode(time)),
                number("max_iterations", maxIterations),
                number("agents", agents),
                number("max_turns", maxTurns),
                number("max_output_tokens", maxOutputTokens),
                new Entry("permission_mode", permissionMode.value(), permissionMode.source(),
                        f.stringNode(permissionMode.value())),
                new Entry("allow", "[" + String.join(", ", allow.value()) + "]", allow.source(), patterns),
                new Entry("log_level", logLevel.value(), logLevel.source(), f.stringNode(logLevel.value())),
                new Entry("metrics_enabled", metricsEnabled.value().toString(), metricsEnabled.source(),
                        f.booleanNode(metricsEnabled.value())),
                new Entry("sandbox", sandbox.value(), sandbox.source(), f.stringNode(sandbox.value())),
                new Entry("leases", leases.value(), leases.source(), f.stringNode(leases.value())),
                number("review_rounds", reviewRounds),
                new Entry("worker", worker.value(), worker.source(), f.stringNode(worker.value()))));
        entries.addAll(weights());
        entries.add(duration("workers.inactivity", workerInactivity));
        entries.add(duration("workers.grace", workerGrace));
        return List.copyOf(entries);
    }

    private List<Entry> weights() {
        List<Entry> out = new java.util.ArrayList<>();
        schedulerWeights.value().asMap().forEach((k, v) -> out.add(new Entry("scheduler.weights." + k,
                BigDecimal.valueOf(v).stripTrailingZeros().toPlainString(), schedulerWeights.source(),
                JsonNodeFactory.instance.numberNode(v))));
        return out;
    }

    private static Entry duration(String key, Sourced<Duration> setting) {
        String text = Durations.format(setting.value());
        return new Entry(key, text, setting.source(), JsonNodeFactory.instance.stringNode(text));
    }

    private static Entry number(String key, Sourced<Integer> setting) {
        return new Entry(key, setting.value().toString(), setting.source(),
                JsonNodeFactory.instance.numberNode(setting.value()));
    }

    /** {@code 5}, {@code 0.5}: no trailing zeros, no exponent. */
    private static String usd(double amount) {
        return BigDecimal.valueOf(amount).stripTrailingZeros().toPlainString();
    }
}
