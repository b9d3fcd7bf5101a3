package dev.munero.agent.safety;

/**
 * The run cannot go on because a permission cannot be decided: an action needs the user's approval and there
 * is no terminal to ask on ({@link Approver#noTerminal()}), or the terminal's input ended.
 *
 * <p>Unchecked on purpose, and distinct from every tool error: it is not a result for the model but a reason to
 * stop the whole run at once and tell the user what to change (the message says which option to use).
 */
public final class PermissionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PermissionException(String message) {
        super(message);
    }
}
