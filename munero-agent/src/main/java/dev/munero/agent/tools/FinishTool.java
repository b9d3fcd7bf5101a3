package dev.munero.agent.tools;


/**
 * {@code finish}: the agent's last call, with its summary for the user. The result's content is the summary; the
 * agent loop recognises the tool by name and ends the run.
 */
public final class FinishTool extends AbstractTool {
    /** The tool's name, for the agent loop. */
    public static final String NAME = "finish";

    public FinishTool() {
        super(NAME, ToolKind.FINISH,
                "Ends your work. Call it once, when the task is done or cannot be done, with a short summary for the "
                + "user: what you changed and why, how you verified it (build, tests), and anything left undone or "
                + "uncertain. Call no other tool after it.",
                Schema.object()
                        .string("summary", "For the user: what you changed, how you checked it, and anything left undone.", true)
                        .build(),
                null);
    }

    @Override
    protected ToolResult call(ToolInput in, ToolContext context) throws ToolFailure {
        return ToolResult.ok(in.nonBlank("summary").strip());
    }
}
