package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file in which the launcher passes the secret variables it moved out of the JVM's environment (issue 10). */
class LauncherSecretsTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryEntryWithNewlinesAndEqualsSignsInValuesThenDeletesTheFileAndItsDirectory() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("munero-secrets.AbC123"));
        Path file = Files.write(secrets.resolve("env"),
                "ANTHROPIC_API_KEY=sk-ant-1\0MY_TOKEN=a\nb=c\0EMPTY_SECRET=\0".getBytes(StandardCharsets.UTF_8));

        assertThat(LauncherSecrets.readAndDelete(file)).containsExactly(Map.entry("ANTHROPIC_API_KEY", "sk-ant-1"),
                Map.entry("MY_TOKEN", "a\nb=c"), Map.entry("EMPTY_SECRET", ""));
        assertThat(file).doesNotExist();
        assertThat(secrets).doesNotExist();
    }

    @Test
    void aDirectoryTheLauncherDidNotMakeIsKept() throws Exception {
        Path file = Files.writeString(dir.resolve("env"), "OPENAI_API_KEY=sk-1\0");

        assertThat(LauncherSecrets.readAndDelete(file)).containsExactly(Map.entry("OPENAI_API_KEY", "sk-1"));
        assertThat(file).doesNotExist();
        assertThat(dir).exists();
    }

    @Test
    void aMissingFileIsAClearErrorNamingIt() {
        Path file = dir.resolve("munero-secrets.x/env");

        assertThatThrownBy(() -> LauncherSecrets.readAndDelete(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("run munero again");
    }

    @Test
    void anEntryWithoutANameIsSkipped() {
        assertThat(LauncherSecrets.parse("=x\0junk\0A_TOKEN=t".getBytes(StandardCharsets.UTF_8)))
                .containsExactly(Map.entry("A_TOKEN", "t"));
    }
}
