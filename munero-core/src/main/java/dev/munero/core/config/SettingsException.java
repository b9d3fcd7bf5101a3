package dev.munero.core.config;

/**
 * A setting of {@code munero run} that cannot be used. The message says which value was bad, where it came from
 * and what to do, e.g. {@code MUNERO_MAX_COST=abc: not a number of USD; write an amount such as 5 or 0.50}, or
 * {@code munero.yaml:7: run.agents=20: must be between 1 and 16}; when munero.yaml itself is invalid, it is the
 * engine's report, one problem per line with {@code file:line:col}. A user error: print the message, exit 2.
 */
public final class SettingsException extends Exception {
    public SettingsException(String message) {
        super(message);
    }

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
