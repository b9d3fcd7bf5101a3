package dev.munero.agent.tools;

/**
 * Asked by the file-writing tools ({@code write_file}, {@code edit_file}) before they change a file: Munero's file
 * leases (issue 14) implement it, so an agent writes only files its task holds a lease on (or can lease now), and a
 * file another running task holds is refused with a tool error naming the holder. {@link #NONE} allows every write
 * (a lone {@code munero agent}).
 *
 * <p>Implementations must be thread-safe: several agents' tools may ask at once.
 */
@FunctionalInterface
public interface WriteGuard {
    /** Allows every write. */
    WriteGuard NONE = path -> { };

    /**
     * Called before the tool writes {@code path}; returns normally when the write may go ahead.
     *
     * @param path the file, relative to the workspace root, '/'-separated, normalized (no {@code .} or {@code ..})
     * @throws ToolFailure when the write must not happen; its message is the tool error the agent sees, and names
     *                     the file, who holds it and what to do instead
     */
    void beforeWrite(String path) throws ToolFailure;
}
