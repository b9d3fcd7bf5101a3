package dev.munero.core.git;

/**
 * A git command failed, or git could not be run at all. The message says what failed, the git command line, its
 * exit code and the last lines git printed (or why git could not be started, or what to do, e.g. make a first
 * commit), so it can be shown to the user as it is.
 */
public final class GitException extends Exception {
    private static final long serialVersionUID = 1L;

    GitException(String message) {
        super(message);
    }

    GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
