package dev.munero.agent.tools;

import dev.munero.agent.safety.PathEscapeException;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code build}: runs the workspace's build through the context's {@link BuildRunner} (normally
 * {@link EngineBuildRunner}, i.e. {@code munero build}). A passed build is an ok result; a failed build or one that
 * cannot start is an error result whose text names the failures.
 */
public final class BuildTool extends AbstractTool {
    public BuildTool() {
        super("build", ToolKind.BUILD,
                "Builds the workspace with munero build: the steps of munero.yaml, or the detected Maven, npm, Cargo, "
                + "Go, Python, Gradle or Make build, in parallel, restoring unchanged steps from the cache. Returns "
                + "the status and counts and, for each failed step, its exit code and the last "
                + EngineBuildRunner.LOG_TAIL_LINES + " lines of its log. targets: step names to build with their "
                + "dependencies (default: all). Prefer it to running the build commands yourself.",
                Schema.object()
                        .stringArray("targets", "Step names to build, with the steps they depend on (default: every step).")
                        .build(),
                null);
    }

    @Override
    public String summary(JsonNode input) {
        JsonNode targets = input == null ? null : input.get("targets");
        List<String> names = targets != null && targets.isArray()
                ? targets.valueStream().map(t -> t.asString("")).toList() : List.of();
        return "munero build" + (names.isEmpty() ? "" : " " + String.join(" ", names));
    }

    @Override
    protected ToolResult call(ToolInput in, ToolContext context) throws ToolFailure, PathEscapeException, IOException,
            InterruptedException {
        List<String> targets = in.strings("targets");
        BuildOutcome outcome = context.buildRunner().build(targets);
        String text = OutputCap.cap(outcome.text(), context.maxOutputChars());
        return switch (outcome) {
            case BuildOutcome.Passed p -> ToolResult.ok(text);
            case BuildOutcome.Failed f -> ToolResult.error(text);
            case BuildOutcome.Invalid i -> ToolResult.error(text);
        };
    }
}
