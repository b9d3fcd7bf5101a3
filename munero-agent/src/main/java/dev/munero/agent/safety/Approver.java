package dev.munero.agent.safety;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Asks the user whether an action that needs approval may run.
 *
 * <p>Implementations may block on the user; they must return promptly when there is nobody to ask, by throwing
 * {@link PermissionException} — never wait forever.
 */
@FunctionalInterface
public interface Approver {

    /**
     * Asks whether {@code toolName} may do {@code summary}.
     *
     * @param toolName the tool, e.g. {@code run_command}
     * @param summary  what it would do, one line, e.g. {@code mvn test} or {@code src/Main.java}
     * @return true when the user approves, false when they refuse
     * @throws PermissionException  when nobody can be asked (no terminal, input closed); the run must stop
     * @throws InterruptedException when the run is cancelled while waiting for the answer
     */
    boolean approve(String toolName, String summary) throws InterruptedException;

    /**
     * For runs without a terminal: fails at once with a {@link PermissionException} that says which option to use
     * instead ({@code --permission-mode}, {@code --allow}).
     */
    static Approver noTerminal() {
        return (toolName, summary) -> {
            throw new PermissionException("cannot ask whether to allow " + toolName + ": " + summary
                    + ": there is no terminal to ask on; use --permission-mode auto-edit or full, or --allow 'CMD' "
                    + "to allow a command without asking");
        };
    }

    /**
     * Asks on a terminal: prints {@code Allow run_command: mvn test? [y/N] } to {@code out} and reads one line from
     * {@code in}; {@code y} or {@code yes} (any case) approves, anything else refuses. The read blocks and cannot
     * be interrupted (a waiting read would swallow the next answer); Ctrl-C on the terminal ends the process.
     *
     * @param in  the terminal's input
     * @param out where the question goes
     * @return an approver that throws {@link PermissionException} when {@code in} has ended or cannot be read
     */
    static Approver console(BufferedReader in, PrintStream out) {
        return (toolName, summary) -> {
            synchronized (in) {
                out.print("Allow " + toolName + ": " + summary + "? [y/N] ");
                out.flush();
                try {
                    if (Thread.interrupted()) {
                        throw new InterruptedException("cancelled before asking about " + toolName);
                    }
                    String answer = in.readLine();
                    if (answer == null) {
                        throw new PermissionException("the terminal's input ended while asking whether to allow "
                                + toolName + ": " + summary);
                    }
                    String a = answer.strip().toLowerCase(Locale.ROOT);
                    return a.equals("y") || a.equals("yes");
                } catch (IOException e) {
                    throw new PermissionException("cannot read the answer to whether to allow " + toolName + ": "
                            + summary + ": " + e.getMessage());
                }
            }
        };
    }

    /** Approves everything (for scripts and tests). */
    static Approver always() {
        return (toolName, summary) -> true;
    }

    /** Refuses everything (for scripts and tests). */
    static Approver never() {
        return (toolName, summary) -> false;
    }
}
