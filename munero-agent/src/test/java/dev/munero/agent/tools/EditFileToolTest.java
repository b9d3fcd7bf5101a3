package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EditFileToolTest {
    private static final String SOURCE = "int a = 1;\nint b = 2;\nint a2 = 1;\n";

    @TempDir
    Path workspace;

    private final EditFileTool tool = new EditFileTool();
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        file = Files.writeString(workspace.resolve("A.java"), SOURCE);
    }

    private ToolResult edit(Object... args) throws Exception {
        return tool.execute(Args.of(args), ToolContext.builder(workspace).build());
    }

    @Test
    void replacesAUniqueStringAndShowsTheChangedLines() throws Exception {
        ToolResult result = edit("path", "A.java", "old_string", "int b = 2;", "new_string", "long b = 2L;");

        assertThat(result.error()).isFalse();
        assertThat(file).hasContent("int a = 1;\nlong b = 2L;\nint a2 = 1;");
        assertThat(result.content()).startsWith("replaced 1 occurrence in A.java; lines 2-2 now read:\n")
                .contains("     2\tlong b = 2L;\n");
    }

    @Test
    void anAbsentStringIsAnErrorAndTheFileIsUnchanged() throws Exception {
        ToolResult result = edit("path", "A.java", "old_string", "int c = 3;", "new_string", "x");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("old_string not found in A.java");
        assertThat(file).hasContent(SOURCE.strip());
    }

    @Test
    void anAmbiguousStringIsAnErrorNamingTheCountAndLines() throws Exception {
        ToolResult result = edit("path", "A.java", "old_string", " = 1;", "new_string", " = 10;");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("old_string occurs 2 times in A.java (lines 1, 3); add surrounding "
                + "context to make it unique, or set replace_all to replace every one");
        assertThat(file).hasContent(SOURCE.strip());
    }

    @Test
    void replaceAllReplacesEveryOccurrence() throws Exception {
        ToolResult result = edit("path", "A.java", "old_string", " = 1;", "new_string", " = 10;", "replace_all", true);

        assertThat(result.content()).startsWith("replaced 2 occurrences in A.java");
        assertThat(file).hasContent("int a = 10;\nint b = 2;\nint a2 = 10;");
    }

    @Test
    void anEditThatChangesNothingOrNamesNoFileIsAnError() throws Exception {
        assertThat(edit("path", "A.java", "old_string", "int b", "new_string", "int b").content())
                .contains("old_string and new_string are the same");
        assertThat(edit("path", "B.java", "old_string", "x", "new_string", "y").content())
                .contains("B.java does not exist; edit_file changes existing files (use write_file to create one)");
        assertThat(edit("path", "A.java", "old_string", "", "new_string", "y").content())
                .contains("old_string is empty");
        assertThat(edit("path", "A.java", "new_string", "y").content()).isEqualTo("edit_file: 'old_string' is required (a string)");
    }
}
