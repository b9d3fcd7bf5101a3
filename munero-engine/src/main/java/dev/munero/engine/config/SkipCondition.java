package dev.munero.engine.config;

/**
 * A condition under which a step is skipped ({@code skipIf} in munero.yaml). A step is skipped when
 * any one of its conditions holds.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface SkipCondition {

    /** Whether the condition holds in {@code context}. */
    boolean holds(SkipContext context);

    /** A sentence for the run report, e.g. {@code "profile is production"}. */
    String describe();

    /** Holds when the active profile is {@code profile}. */
    record Profile(String profile) implements SkipCondition {
        @Override
        public boolean holds(SkipContext context) {
            return profile.equals(context.profile());
        }

        @Override
        public String describe() {
            return "profile is " + profile;
        }
    }

    /** Holds when the operating system family is {@code os}: one of linux, macos, windows. */
    record Os(String os) implements SkipCondition {
        @Override
        public boolean holds(SkipContext context) {
            return os.equalsIgnoreCase(context.os());
        }

        @Override
        public String describe() {
            return "OS is " + os;
        }
    }

    /**
     * Holds when the environment variable {@code name} is set and not empty, or, when {@code value}
     * is not null, when it equals {@code value}.
     */
    record Env(String name, String value) implements SkipCondition {
        @Override
        public boolean holds(SkipContext context) {
            String actual = context.env().get(name);
            return value == null ? actual != null && !actual.isEmpty() : value.equals(actual);
        }

        @Override
        public String describe() {
            return value == null ? "env " + name + " is set" : "env " + name + "=" + value;
        }
    }

    /** Holds when the file or directory exists; the path is relative to the step's cwd. */
    record FileExists(String path) implements SkipCondition {
        @Override
        public boolean holds(SkipContext context) {
            return java.nio.file.Files.exists(context.cwd().resolve(path));
        }

        @Override
        public String describe() {
            return path + " exists";
        }
    }

    /** Holds when the file or directory does not exist; the path is relative to the step's cwd. */
    record FileMissing(String path) implements SkipCondition {
        @Override
        public boolean holds(SkipContext context) {
            return !java.nio.file.Files.exists(context.cwd().resolve(path));
        }

        @Override
        public String describe() {
            return path + " is missing";
        }
    }
}
