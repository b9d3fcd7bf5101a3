package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadFileToolTest {
    @TempDir
    Path workspace;

    private final ReadFileTool tool = new ReadFileTool();

    private ToolResult read(Object... args) throws Exception {
        return tool.execute(Args.of(args), ToolContext.builder(workspace).maxOutputChars(1_000).build());
    }

    private void writeLines(String name, int count) throws Exception {
        Files.writeString(workspace.resolve(name),
                IntStream.rangeClosed(1, count).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n")));
    }

    @Test
    void returnsLinesNumberedLikeCatWithTheTotal() throws Exception {
        writeLines("a.txt", 3);

        ToolResult result = read("path", "a.txt");

        assertThat(result.error()).isFalse();
        assertThat(result.content()).isEqualTo("     1\tline 1\n     2\tline 2\n     3\tline 3\n[a.txt: lines 1-3 of 3]");
    }

    @Test
    void readsALineRangeAndSaysWhereToReadOn() throws Exception {
        writeLines("a.txt", 10);

        ToolResult result = read("path", "a.txt", "offset_line", 3, "limit_lines", 2);

        assertThat(result.content()).isEqualTo("     3\tline 3\n     4\tline 4\n"
                + "[a.txt: lines 3-4 of 10; to read on, call read_file with offset_line=5]");
    }

    @Test
    void stopsAtTheOutputLimitAndSaysWhereToReadOn() throws Exception {
        writeLines("long.txt", 500);

        ToolResult result = read("path", "long.txt");

        assertThat(result.content().length()).isLessThan(1_200);
        assertThat(result.content()).containsPattern("\\[long.txt: lines 1-\\d+ of 500; to read on, call read_file with offset_line=\\d+]");
    }

    @Test
    void anOffsetPastTheEndIsAnErrorGivingTheLength() throws Exception {
        writeLines("a.txt", 4);

        ToolResult result = read("path", "a.txt", "offset_line", 9);

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("offset_line 9 is past the end of a.txt, which has 4 lines");
    }

    @Test
    void missingFilesDirectoriesAndBinaryFilesAreErrors() throws Exception {
        Files.createDirectories(workspace.resolve("dir"));
        Files.write(workspace.resolve("b.bin"), new byte[] {1, 0, 2});

        assertThat(read("path", "nope.txt").content()).contains("nope.txt does not exist");
        assertThat(read("path", "dir").content()).contains("dir is a directory; use list_files");
        assertThat(read("path", "b.bin").content()).contains("b.bin is a binary file (3 bytes)");
    }

    @Test
    void aPathOutsideTheWorkspaceIsAnErrorResultNotAnException() throws Exception {
        ToolResult result = read("path", "../../etc/passwd");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("outside the workspace");
    }

    @Test
    void anEmptyFileSaysSo() throws Exception {
        Files.writeString(workspace.resolve("empty.txt"), "");

        assertThat(read("path", "empty.txt").content()).isEqualTo("[empty.txt is empty]");
    }
}
