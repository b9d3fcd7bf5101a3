package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build tool through the real engine, on a munero.yaml whose steps run shell commands. */
class BuildToolTest {
    private static final String YAML = """
            steps:
              - name: ok
                command: "echo fine"
                shell: true
              - name: broken
                command: "seq 1 100; echo the-error-detail; exit 3"
                shell: true
                dependsOn: [ok]
              - name: after
                command: "echo never"
                shell: true
                dependsOn: [broken]
              - name: alone
                command: "echo independent"
                shell: true
            """;

    @TempDir
    Path workspace;

    private final BuildTool tool = new BuildTool();

    private ToolResult build(Object... args) throws Exception {
        return tool.execute(Args.of(args), ToolContext.builder(workspace).build());
    }

    @Test
    void aFailedBuildIsAnErrorNamingTheStepItsExitCodeAndItsLogTail() throws Exception {
        Files.writeString(workspace.resolve("munero.yaml"), YAML);

        ToolResult result = build();

        assertThat(result.error()).isTrue();
        assertThat(result.content())
                .startsWith("build FAILED in ")
                .contains("4 steps, 2 passed, 1 failed, 0 cached, 1 skipped")
                .contains("FAILED broken (exit code 3)")
                .containsPattern("log \\.munero/logs/[^/]+/broken\\.log, last 40 lines:\n")
                .contains("\n  62\n", "\n  100\n  the-error-detail\n")
                .doesNotContain("\n  61\n")
                .contains("skipped: after (dependency broken did not succeed)");
    }

    @Test
    void aPassingBuildOfATargetIsAnOkResult() throws Exception {
        Files.writeString(workspace.resolve("munero.yaml"), YAML);

        ToolResult result = build("targets", List.of("alone"));

        assertThat(result.error()).isFalse();
        assertThat(result.content()).startsWith("build PASSED in ").contains("1 steps, 1 passed, 0 failed");
    }

    @Test
    void anUnknownTargetIsAnErrorListingTheSteps() throws Exception {
        Files.writeString(workspace.resolve("munero.yaml"), YAML);

        ToolResult result = build("targets", List.of("nope"));

        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("unknown step 'nope'").contains("the steps are: ok, broken, after, alone");
    }

    @Test
    void anInvalidMuneroYamlIsAnErrorWithTheProblem() throws Exception {
        Files.writeString(workspace.resolve("munero.yaml"), "steps:\n  - name: x\n    dependsOn: [missing]\n");

        ToolResult result = build();

        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("the build cannot start; fix munero.yaml:\n").contains("munero.yaml:");
    }
}
