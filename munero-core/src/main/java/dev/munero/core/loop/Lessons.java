package dev.munero.core.loop;

import dev.munero.core.BuildManager;
import dev.munero.core.plan.Lesson;
import dev.munero.core.plan.PlanTask;
import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.Filter;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.PutRequest;
import dev.munero.memory.SearchHit;
import dev.munero.memory.StaleVersionException;
import dev.munero.memory.ValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The lessons shown to a planner, a reflection or a task's agent: those of earlier failures that concern the
 * work at hand. Lessons are memory entries of kind {@value #KIND} ({@link MemoryBank}), found with
 * {@link MemoryBank#search}: with {@link BuildManager.Learning#SHARED} in namespace {@code project} (every run's
 * lessons, and the rows of the old {@code lessons} table, which schema migration V5 copied there); with
 * {@link BuildManager.Learning#RUN_ONLY} only in this run's namespace {@code run:<id>} (issue 11.6).
 *
 * <p>An entry's shape (the one V5 gives the copied rows): key {@code lesson/<run>/<iteration>/<ordinal>}, value
 * {@code What failed: ...\nWhy: ...\nFix: ...}, tags the check's name, then the files, then {@code confirmed} once
 * a later iteration of its run passed the checks; author {@code reflector} of its run.
 *
 * <p>A lesson concerns the work when it shares a file with it, or two words of four letters or more; confirmed
 * lessons come first, then the newest, at most {@link #MAX}.
 *
 * <p>Thread-safe: it only reads the bank and the plan (agents ask from their threads while no plan changes).
 */
final class Lessons {
    /** Lessons shown at most. */
    static final int MAX = 5;
    /** The memory kind of a lesson. */
    static final String KIND = "lesson";
    /** The tag of a confirmed lesson. */
    static final String CONFIRMED = "confirmed";
    /** The author of the lessons a reflection stores. */
    static final String REFLECTOR = "reflector";
    /** Search hits considered before the relevance rule picks {@link #MAX}. */
    private static final int CANDIDATES = 200;

    private final RunContext ctx;
    private final LazyMemory memory;

    Lessons(RunContext ctx, LazyMemory memory) {
        this.ctx = ctx;
        this.memory = memory;
    }

    /** The namespace this session's lessons are kept and found in. */
    String namespace() {
        return ctx.session.learning() == BuildManager.Learning.SHARED ? "project" : "run:" + ctx.runId;
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

    /**
     * Keeps the lessons a reflection on {@code iteration} gave, as entries of this session's namespace; a lesson
     * already kept (a resumed run reflecting on the same iteration again) stays as it is.
     */
    void keep(int iteration, List<Lesson> lessons) {
        for (int i = 0; i < lessons.size(); i++) {
            Lesson l = lessons.get(i);
            List<String> tags = new ArrayList<>();
            tags.add(l.check());
            tags.addAll(l.files());
            try {
                memory.get().put(new PutRequest(namespace(), "lesson/" + ctx.runId + "/" + iteration + "/" + i, KIND,
                        "What failed: " + l.whatFailed() + "\nWhy: " + l.why() + "\nFix: " + l.fix(), ValueType.TEXT,
                        tags, new Author(REFLECTOR, null, ctx.runId), PutRequest.ABSENT));
            } catch (StaleVersionException alreadyKept) {
                // kept by an earlier session of this run
            }
        }
    }

    /** Marks this run's lessons confirmed: a later iteration passed the checks. */
    void confirm() {
        for (Entry e : memory.get().list(new Filter(namespace(), KIND, List.of()), MemoryBank.MAX_LIMIT)) {
            if (ctx.runId.equals(e.author().run()) && !e.tags().contains(CONFIRMED)) {
                List<String> tags = new ArrayList<>(e.tags());
                tags.add(CONFIRMED);
                try {
                    memory.get().put(new PutRequest(e.namespace(), e.key(), e.kind(), e.value(), e.valueType(), tags,
                            e.author(), e.version()));
                } catch (StaleVersionException changed) {
                    // someone changed it since: their version stands
                }
            }
        }
    }

    private List<Lesson> relevant(Set<String> words, Set<String> files) {
        List<String> terms = new ArrayList<>(words);
        terms.addAll(files);
        List<Entry> all = new ArrayList<>();
        for (SearchHit hit : memory.get().search(String.join(" ", terms), new Filter(namespace(), KIND, List.of()),
                CANDIDATES).hits()) {
            all.add(hit.entry());
        }
        all.sort(Comparator.comparing((Entry e) -> !e.tags().contains(CONFIRMED))
                .thenComparing(Entry::createdAt, Comparator.reverseOrder()).thenComparing(Entry::key));
        List<Lesson> relevant = new ArrayList<>();
        for (Entry e : all) {
            Lesson l = lesson(e);
            if (l == null) {
                continue;
            }
            Set<String> lw = words(l.check() + " " + l.whatFailed() + " " + l.fix());
            lw.retainAll(words);
            boolean sharesFile = l.files().stream().anyMatch(files::contains);
            if (sharesFile || lw.size() >= 2) {
                relevant.add(l);
            }
            if (relevant.size() == MAX) {
                break;
            }
        }
        return relevant;
    }

    /** The lesson an entry holds, or null when it is not in the lesson shape (a user put it by hand). */
    static Lesson lesson(Entry e) {
        String v = e.value();
        int why = v.indexOf("\nWhy: ");
        int fix = v.indexOf("\nFix: ");
        if (!v.startsWith("What failed: ") || why < 0 || fix < why || e.tags().isEmpty()) {
            return null;
        }
        List<String> tags = e.tags();
        int end = tags.getLast().equals(CONFIRMED) && tags.size() > 1 ? tags.size() - 1 : tags.size();
        try {
            return new Lesson(tags.getFirst(), v.substring("What failed: ".length(), why),
                    v.substring(why + "\nWhy: ".length(), fix), v.substring(fix + "\nFix: ".length()),
                    tags.subList(1, end));
        } catch (IllegalArgumentException blank) {
            return null;
        }
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
