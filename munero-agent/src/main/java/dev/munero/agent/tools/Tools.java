package dev.munero.agent.tools;

import java.util.List;

/** The agent's tool set. */
public final class Tools {
    private Tools() {
    }

    /**
     * The standard tools, in the order they are offered to the model: read_file, write_file, edit_file,
     * list_files, glob, grep, run_command, build, finish.
     *
     * @return an unmodifiable list of new, stateless tool instances
     */
    public static List<Tool> standard() {
        return List.of(new ReadFileTool(), new WriteFileTool(), new EditFileTool(), new ListFilesTool(), new GlobTool(),
                new GrepTool(), new RunCommandTool(), new BuildTool(), new FinishTool());
    }
}
