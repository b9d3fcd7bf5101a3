package dev.munero.agent.safety;

/** The sandbox asked for cannot be used on this machine; the message says what to install. */
public final class SandboxUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public SandboxUnavailableException(String message) {
        super(message);
    }
}
