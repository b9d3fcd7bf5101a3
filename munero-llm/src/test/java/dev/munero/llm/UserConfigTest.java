package dev.munero.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.resilience.RateLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserConfigTest {
    @TempDir
    Path dir;

    private Path write(String toml) throws IOException {
        Path file = dir.resolve("config.toml");
        Files.writeString(file, toml);
        return file;
    }

    @Test
    void anAbsentFileIsAnEmptyConfig() {
        // given
        Path absent = dir.resolve("missing/config.toml");

        // when
        UserConfig config = UserConfig.load(Map.of("MUNERO_CONFIG", absent.toString()));

        // then
        assertThat(config.file()).isEqualTo(absent);
        assertThat(config.model()).isEmpty();
        assertThat(config.providerValue("anthropic", "api_key")).isEmpty();
        assertThat(config.rateLimits("anthropic")).isEqualTo(RateLimits.NONE);
    }

    @Test
    void readsTheDefaultModelProviderSettingsAndRateLimits() throws IOException {
        // given
        Path file = write("""
                model = "anthropic:claude-sonnet-4-6"

                [providers.anthropic]
                api_key = "sk-ant-file"
                base_url = "https://proxy.example.test"
                requests_per_minute = 50
                tokens_per_minute = 400000
                """);

        // when
        UserConfig config = UserConfig.load(Map.of("MUNERO_CONFIG", file.toString()));

        // then
        assertThat(config.model()).contains("anthropic:claude-sonnet-4-6");
        assertThat(config.providerValue("anthropic", "api_key")).contains("sk-ant-file");
        assertThat(config.providerValue("anthropic", "base_url")).contains("https://proxy.example.test");
        assertThat(config.providerValue("openai", "api_key")).isEmpty();
        assertThat(config.rateLimits("anthropic")).isEqualTo(new RateLimits(50, 400000));
        assertThat(config.rateLimits("openai")).isEqualTo(RateLimits.NONE);
    }

    @Test
    void aBlankProviderValueCountsAsUnset() throws IOException {
        Path file = write("""
                [providers.openai]
                api_key = "  "
                """);

        UserConfig config = UserConfig.load(Map.of("MUNERO_CONFIG", file.toString()));

        assertThat(config.providerValue("openai", "api_key")).isEmpty();
    }

    @Test
    void invalidTomlFailsNamingTheFile() throws IOException {
        Path file = write("model = \"anthropic:claude\nthis is not toml\n");

        assertThatThrownBy(() -> UserConfig.load(Map.of("MUNERO_CONFIG", file.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": not valid TOML");
    }

    @Test
    void aNegativeRateLimitFailsNamingTheFileAndSection() throws IOException {
        // given
        Path file = write("""
                [providers.openai]
                requests_per_minute = -5
                """);
        UserConfig config = UserConfig.load(Map.of("MUNERO_CONFIG", file.toString()));

        // then
        assertThatThrownBy(() -> config.rateLimits("openai"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": [providers.openai]: ")
                .hasMessageContaining("cannot be negative: -5 requests");
    }

    @Test
    void isFoundUnderXdgConfigHomeBeforeHome() {
        Path location = UserConfig.location(Map.of("XDG_CONFIG_HOME", "/xdg", "HOME", "/home/u"));

        assertThat(location).isEqualTo(Path.of("/xdg/munero/config.toml"));
    }

    @Test
    void isFoundUnderHomeDotConfigWithoutXdgConfigHome() {
        Path location = UserConfig.location(Map.of("HOME", "/home/u", "XDG_CONFIG_HOME", ""));

        assertThat(location).isEqualTo(Path.of("/home/u/.config/munero/config.toml"));
    }

    @Test
    void muneroConfigVariableWinsOverEveryOtherLocation() {
        Path location = UserConfig.location(Map.of("MUNERO_CONFIG", "/etc/m.toml", "XDG_CONFIG_HOME", "/xdg",
                "HOME", "/home/u"));

        assertThat(location).isEqualTo(Path.of("/etc/m.toml"));
    }

    @Test
    void loadsTheFileUnderXdgConfigHome() throws IOException {
        // given
        Path xdg = dir.resolve("xdg");
        Files.createDirectories(xdg.resolve("munero"));
        Files.writeString(xdg.resolve("munero/config.toml"), "model = \"openai:gpt-5-mini\"\n");

        // when
        UserConfig config = UserConfig.load(Map.of("XDG_CONFIG_HOME", xdg.toString(), "HOME", "/nonexistent"));

        // then
        assertThat(config.model()).contains("openai:gpt-5-mini");
        assertThat(config.sibling("models.toml")).isEqualTo(xdg.resolve("munero/models.toml"));
    }

    @Test
    void loadsTheFileUnderHome() throws IOException {
        // given
        Files.createDirectories(dir.resolve(".config/munero"));
        Files.writeString(dir.resolve(".config/munero/config.toml"), "model = \"ollama:qwen3-coder:30b\"\n");

        // when
        UserConfig config = UserConfig.load(Map.of("HOME", dir.toString()));

        // then
        assertThat(config.model()).contains("ollama:qwen3-coder:30b");
    }
}
