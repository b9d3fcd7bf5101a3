package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteFileToolTest {
    @TempDir
    Path temp;

    private final WriteFileTool tool = new WriteFileTool();

    private Path workspace() throws Exception {
        return Files.createDirectories(temp.resolve("ws"));
    }

    private ToolResult write(String path, String content) throws Exception {
        return tool.execute(Args.of("path", path, "content", content), ToolContext.builder(workspace()).build());
    }

    @Test
    void createsTheFileAndItsDirectoriesAndSaysHowMuchItWrote() throws Exception {
        ToolResult result = write("src/main/App.java", "class App {}\n");

        assertThat(result.error()).isFalse();
        assertThat(result.content()).isEqualTo("created src/main/App.java: 13 bytes, 1 line");
        assertThat(workspace().resolve("src/main/App.java")).hasContent("class App {}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workspace().resolve("src/main/App.java"))))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void replacesAnExistingFileKeepingItsPermissions() throws Exception {
        Path script = workspace().resolve("run.sh");
        Files.writeString(script, "old");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));

        ToolResult result = write("run.sh", "#!/bin/sh\necho new\n");

        assertThat(result.content()).startsWith("replaced run.sh: ");
        assertThat(script).hasContent("#!/bin/sh\necho new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxr-x---");
        try (var files = Files.list(workspace())) {
            assertThat(files).as("no temporary file is left behind").containsExactly(script);
        }
    }

    @Test
    void refusesToWriteInGitOrThroughALinkOutside() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.createSymbolicLink(workspace().resolve("out"), outside);

        ToolResult git = write(".git/hooks/pre-commit", "evil");
        ToolResult linked = write("out/file.txt", "escaped");

        assertThat(git.error()).isTrue();
        assertThat(git.content()).contains("inside .git");
        assertThat(linked.error()).isTrue();
        assertThat(linked.content()).contains("symbolic link");
        assertThat(outside.resolve("file.txt")).doesNotExist();
        assertThat(workspace().resolve(".git")).doesNotExist();
    }
}
