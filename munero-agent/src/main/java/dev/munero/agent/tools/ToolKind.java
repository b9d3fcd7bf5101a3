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
    /**
     * Calls a tool of an MCP server ({@code mcp__<server>__<tool>}): decided like a command named by the tool's full
     * name: deny patterns deny, allow patterns allow, otherwise {@code full} allows and the other modes ask.
     */
    MCP,
    /** Ends the agent's work with a summary. Never asks. */
    FINISH
}
