package dev.munero.agent.tools;

import java.util.Objects;

/** What a {@link BuildRunner} reports: the build passed, failed, or could not start. Each carries text for the model. */
public sealed interface BuildOutcome {

    /** The text for the model: the status and counts, and for a failure each failed step with its log tail. */
    String text();

    /** Every selected step passed, was restored from the cache, or was skipped by a condition. */
    record Passed(String text) implements BuildOutcome {
        public Passed {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A step failed or a verify artifact is missing. */
    record Failed(String text) implements BuildOutcome {
        public Failed {
            Objects.requireNonNull(text, "text");
        }
    }

    /** The build could not start: {@code munero.yaml} is invalid, a target is unknown, or nothing to build was found. */
    record Invalid(String text) implements BuildOutcome {
        public Invalid {
            Objects.requireNonNull(text, "text");
        }
    }
}
