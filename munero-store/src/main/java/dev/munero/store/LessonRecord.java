package dev.munero.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A lesson of the learning store: a check that failed in a run, why, and the fix.
 *
 * @param runId      the run that learned it
 * @param iteration  the iteration whose checks failed
 * @param ordinal    its position in that iteration's reflection (0, 1, ...)
 * @param createdAt  when it was recorded
 * @param check      the failing check (an engine step name)
 * @param whatFailed what failed, in words
 * @param why        why it failed
 * @param fix        what fixes it
 * @param files      repository-relative paths it concerns
 * @param confirmed  true once a later iteration of the run passed its checks
 */
public record LessonRecord(String runId, int iteration, int ordinal, Instant createdAt, String check,
                           String whatFailed, String why, String fix, List<String> files, boolean confirmed) {
    public LessonRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(whatFailed, "whatFailed");
        Objects.requireNonNull(why, "why");
        Objects.requireNonNull(fix, "fix");
        files = List.copyOf(files);
    }
}
