package dev.munero.core.remote;

import dev.munero.core.PlanJson;
import dev.munero.core.RunLimits;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.core.plan.Check;
import dev.munero.core.plan.CheckFailure;
import dev.munero.core.plan.Lesson;
import dev.munero.core.plan.Plan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Munero's objects as the JSON text a distributed run's messages carry (issue 16.2): plans as {@link PlanJson},
 * limits as {@link RunLimits#asMap}, lessons as the reflection's {@code {"check", "what_failed", "why", "fix",
 * "files"}}, check failures as {@code checks_finished} records them, events as {@link RunEvents#payload}.
 *
 * <p>Thread-safe (pure functions). Every reader throws {@link IllegalArgumentException} naming what it read when
 * the text is not JSON or a required field is missing.
 */
public final class RemoteJson {
    private RemoteJson() {
    }

    /** The plan as JSON text. */
    public static String plan(Plan plan) {
        return write(PlanJson.toMap(plan));
    }

    /** The plan of {@link #plan(Plan)}'s text. @throws IllegalArgumentException when it is not a plan */
    public static Plan plan(String json) {
        return PlanJson.fromJson(read(json, "plan"));
    }

    /**
     * The checks of a plan's JSON (its {@code checks} array: each {@code name}, and {@code run} for a command).
     *
     * @throws IllegalArgumentException when it is not that, or a check has no name
     */
    public static List<Check> checks(String json) {
        List<Check> out = new ArrayList<>();
        for (JsonNode c : read(json, "checks")) {
            out.add(new Check(c.path("name").asString(""),
                    c.hasNonNull("run") ? Optional.of(c.path("run").asString()) : Optional.empty()));
        }
        return out;
    }

    /** The limits of {@link RunLimits#asMap} as text, read back. @throws IllegalArgumentException as above */
    public static RunLimits limits(String json) {
        return RunLimits.fromMap(read(json, "run limits"));
    }

    /** A lesson as JSON text. */
    public static String lesson(Lesson l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", l.check());
        m.put("what_failed", l.whatFailed());
        m.put("why", l.why());
        m.put("fix", l.fix());
        m.put("files", l.files());
        return write(m);
    }

    /** The lessons of {@link #lesson(Lesson)}'s texts. @throws IllegalArgumentException when one is not a lesson */
    public static List<Lesson> lessons(List<String> json) {
        List<Lesson> out = new ArrayList<>();
        for (String text : json) {
            JsonNode n = read(text, "lesson");
            out.add(new Lesson(n.path("check").asString(""), n.path("what_failed").asString(""),
                    n.path("why").asString(""), n.path("fix").asString(""), strings(n.path("files"))));
        }
        return out;
    }

    /** Check failures as a JSON array of {@link dev.munero.core.loop.Observing#failureMap}. */
    public static String failures(List<CheckFailure> failures) {
        return write(failures.stream().map(dev.munero.core.loop.Observing::failureMap).toList());
    }

    /** The failures of {@link #failures(List)}'s text. @throws IllegalArgumentException when it is not that */
    public static List<CheckFailure> failures(String json) {
        List<CheckFailure> out = new ArrayList<>();
        for (JsonNode f : read(json, "check failures")) {
            out.add(new CheckFailure(f.path("step").asString(""), f.path("exit_code").isNumber()
                    ? OptionalInt.of(f.path("exit_code").asInt()) : OptionalInt.empty(),
                    f.path("log_tail").asString(""), strings(f.path("failing_tests"))));
        }
        return out;
    }

    /** An event's payload as JSON text, as {@link RunEvents#payload} makes it. */
    public static String payload(RunEvent event) {
        return RunEvents.JSON.writeValueAsString(RunEvents.payload(event));
    }

    private static String write(Object value) {
        return RunEvents.JSON.writeValueAsString(value);
    }

    private static JsonNode read(String json, String what) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("the " + what + " is missing (empty JSON)");
        }
        try {
            return RunEvents.JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the " + what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
