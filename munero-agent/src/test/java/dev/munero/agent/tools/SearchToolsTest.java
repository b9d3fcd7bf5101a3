package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** list_files, glob and grep on one small repository. */
class SearchToolsTest {
    @TempDir
    Path workspace;

    private ToolContext context;

    @BeforeEach
    void setUp() throws Exception {
        write("App.java", "class App {\n  // TODO start\n}\n");
        write("src/main/Lib.java", "class Lib {\n  int todo = 1; // todo: rename\n}\n");
        write("src/main/deep/Deep.java", "class Deep {}\n");
        write("web/index.ts", "// TODO web\n");
        write("node_modules/dep/index.js", "// TODO dependency\n");
        write("target/App.class", "// TODO compiled\n");
        write(".git/HEAD", "TODO ref\n");
        write(".munero/state.json", "TODO\n");
        Files.write(workspace.resolve("image.bin"), new byte[] {'T', 'O', 'D', 'O', 0, 1});
        context = ToolContext.builder(workspace).build();
    }

    private void write(String rel, String content) throws Exception {
        Path p = workspace.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private ToolResult call(Tool tool, Object... args) throws Exception {
        return tool.execute(Args.of(args), context);
    }

    @Test
    void listFilesShowsATreeOfRelativePathsWithoutIgnoredDirectories() throws Exception {
        ToolResult result = call(new ListFilesTool());

        assertThat(result.content()).isEqualTo(String.join("\n", "App.java", "image.bin", "src/", "src/main/",
                "web/", "web/index.ts") + "\n");
    }

    @Test
    void listFilesGoesDeeperOnRequestAndFromASubdirectory() throws Exception {
        ToolResult result = call(new ListFilesTool(), "path", "src", "depth", 5);

        assertThat(result.content()).isEqualTo(
                "src/main/\nsrc/main/Lib.java\nsrc/main/deep/\nsrc/main/deep/Deep.java\n");
        assertThat(call(new ListFilesTool(), "path", "App.java").content()).contains("is a file, not a directory");
    }

    @Test
    void globMatchesAtEveryDepthSorted() throws Exception {
        ToolResult result = call(new GlobTool(), "pattern", "**/*.java");

        assertThat(result.content()).isEqualTo("App.java\nsrc/main/Lib.java\nsrc/main/deep/Deep.java\n");
        assertThat(call(new GlobTool(), "pattern", "*.java", "path", "src/main").content())
                .isEqualTo("src/main/Lib.java\n");
        assertThat(call(new GlobTool(), "pattern", "**/*.py").content()).isEqualTo("no files match **/*.py in .");
    }

    @Test
    void globRefusesPatternsThatClimbOutOfTheWorkspace() throws Exception {
        ToolResult result = call(new GlobTool(), "pattern", "../**");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("without '..'");
    }

    @Test
    void grepReturnsPathLineAndTextSkippingIgnoredDirectoriesAndBinaryFiles() throws Exception {
        ToolResult result = call(new GrepTool(), "pattern", "TODO");

        assertThat(result.content()).isEqualTo("App.java:2:  // TODO start\nweb/index.ts:1:// TODO web\n");
    }

    @Test
    void grepFiltersByGlobAndCanIgnoreCase() throws Exception {
        assertThat(call(new GrepTool(), "pattern", "todo", "ignore_case", true, "glob", "*.java").content())
                .isEqualTo("App.java:2:  // TODO start\nsrc/main/Lib.java:2:  int todo = 1; // todo: rename\n");
        assertThat(call(new GrepTool(), "pattern", "class \\w+", "path", "src", "glob", "main/deep/*.java").content())
                .isEqualTo("src/main/deep/Deep.java:1:class Deep {}\n");
    }

    @Test
    void grepStopsAtMaxResultsAndSaysSo() throws Exception {
        ToolResult result = call(new GrepTool(), "pattern", "class", "max_results", 2);

        assertThat(result.content()).hasLineCount(3).endsWith("[stopped at 2 matching lines; narrow the pattern, "
                + "path or glob, or raise max_results]\n");
    }

    @Test
    void grepExplainsABadRegularExpression() throws Exception {
        ToolResult result = call(new GrepTool(), "pattern", "foo(");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("invalid regular expression: Unclosed group");
    }
}
