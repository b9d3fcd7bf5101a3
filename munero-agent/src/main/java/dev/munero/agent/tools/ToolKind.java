package dev.munero.agent.tools;

/** The kind of action a tool call takes, which decides whether the permission mode asks first. */
public enum ToolKind {
    /** Reads the workspace only (read_file, list_files, glob, grep). Never asks. */
    READ,
    /** Changes files in the workspace (write_file, edit_file). Asks only in {@code ask} mode. */
    EDIT,
    /** Runs a build through the engine. Asks only in {@code ask} mode. */
    BUILD,
    /** Runs an arbitrary command. Follows the allow and deny lists; asks in {@code ask} mode. */
    COMMAND,
    /** Ends the agent's work with a summary. Never asks. */
    FINISH
}
