package dev.munero.core.loop;

import dev.munero.core.BuildManager;
import dev.munero.core.plan.Lesson;
import dev.munero.core.plan.PlanTask;
import dev.munero.store.LessonRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The lessons shown to a planner, a reflection or a task's agent: those of earlier failures that concern the
 * work at hand. With {@link BuildManager.Learning#SHARED} they come from the repository's learning store (every
 * run's lessons, newest first); with {@link BuildManager.Learning#RUN_ONLY} only from this run's own
 * {@code lesson_recorded} events (issue 11.6).
 *
 * <p>A lesson concerns the work when it shares a file with it, or two words of four letters or more; confirmed
 * lessons come first, then the newest, at most {@link #MAX}.
 *
 * <p>Thread-safe: it only reads the store and the plan (agents ask from their threads while no plan changes).
 */
final class Lessons {
    /** Lessons shown at most. */
    static final int MAX = 5;

    private final RunContext ctx;

    Lessons(RunContext ctx) {
        this.ctx = ctx;
    }

    /** The lessons that concern the run's checks: words of the spec, and the checks' names. */
    List<Lesson> forChecks() {
        Set<String> words = new LinkedHashSet<>(words(ctx.run.spec));
        if (ctx.run.plan != null) {
            ctx.run.plan.checks().forEach(c -> words.add(c.name().toLowerCase(Locale.ROOT)));
        }
        return relevant(words, new LinkedHashSet<>());
    }

    /** The lessons that concern a task: words of its description, and its files. */
    List<Lesson> forTask(PlanTask task) {
        return relevant(words(task.description()), new LinkedHashSet<>(task.files()));
    }

    private List<Lesson> relevant(Set<String> words, Set<String> files) {
        List<LessonRecord> all = new ArrayList<>(ctx.session.learning() == BuildManager.Learning.SHARED
                ? ctx.store.lessons(200) : ownLessons());
        all.sort(Comparator.comparing((LessonRecord l) -> !l.confirmed()));
        List<Lesson> relevant = new ArrayList<>();
        for (LessonRecord l : all) {
            Set<String> lw = words(l.check() + " " + l.whatFailed() + " " + l.fix());
            lw.retainAll(words);
            boolean sharesFile = l.files().stream().anyMatch(files::contains);
            if (sharesFile || lw.size() >= 2) {
                relevant.add(new Lesson(l.check(), l.whatFailed(), l.why(), l.fix(), l.files()));
            }
            if (relevant.size() == MAX) {
                break;
            }
        }
        return relevant;
    }

    /** This run's lessons, from its {@code lesson_recorded} events, newest first (as the store orders them). */
    private List<LessonRecord> ownLessons() {
        List<LessonRecord> own = new ArrayList<>();
        for (var e : ctx.store.events(ctx.runId, 0)) {
            if (e.type().equals("lesson_recorded")) {
                JsonNode p = e.payload();
                List<String> files = new ArrayList<>();
                p.path("files").forEach(f -> files.add(f.asString()));
                own.add(new LessonRecord(ctx.runId, p.path("iteration").asInt(), p.path("ordinal").asInt(), e.at(),
                        p.path("check").asString(""), p.path("what_failed").asString(""), p.path("why").asString(""),
                        p.path("fix").asString(""), files, false));
            }
        }
        own.sort(Comparator.comparing(LessonRecord::createdAt).reversed()
                .thenComparing(LessonRecord::iteration).thenComparing(LessonRecord::ordinal));
        return own;
    }

    private static Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9_]+")) {
            if (w.length() >= 4) {
                out.add(w);
            }
        }
        return out;
    }
}
