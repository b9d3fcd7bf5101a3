package dev.munero.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.internal.LangChain4jChatModel.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProvidersTest {
    private static final String ENV_KEY = "sk-ant-env-0123456789abcdef";
    private static final String FILE_KEY = "sk-ant-file-0123456789abcdef";

    @TempDir
    Path dir;

    private final UserConfig noConfig = UserConfig.load(Map.of("MUNERO_CONFIG", "/nonexistent/munero/config.toml"));

    private static Connection connect(String model, Map<String, String> env, UserConfig config) {
        return Providers.connection(ModelRef.parse(model), env, config, Providers.Options.defaults());
    }

    private UserConfig configFile(String toml) throws IOException {
        Path file = dir.resolve("config.toml");
        Files.writeString(file, toml);
        return UserConfig.load(Map.of("MUNERO_CONFIG", file.toString()));
    }

    private UserConfig anthropicKeyAndBaseUrlInFile() throws IOException {
        return configFile("""
                [providers.anthropic]
                api_key = "%s"
                base_url = "https://file.example.test"
                """.formatted(FILE_KEY));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "https://example.test, https://example.test/v1",
            "https://example.test/, https://example.test/v1",
            "https://example.test/v1, https://example.test/v1",
            "https://example.test/v1/, https://example.test/v1",
            "http://localhost:8080/proxy, http://localhost:8080/proxy/v1"})
    void anthropicBaseUrlGetsExactlyOneV1(String configured, String expected) {
        Connection connection = connect("anthropic:claude-sonnet-4-6",
                Map.of("ANTHROPIC_BASE_URL", configured, "ANTHROPIC_API_KEY", ENV_KEY), noConfig);

        assertThat(connection.baseUrl()).isEqualTo(expected);
    }

    @Test
    void anthropicDefaultsToItsPublicApi() {
        Connection connection = connect("anthropic:claude-sonnet-4-6", Map.of("ANTHROPIC_API_KEY", ENV_KEY),
                noConfig);

        assertThat(connection.baseUrl()).isEqualTo("https://api.anthropic.com/v1");
        assertThat(connection.apiKey()).isEqualTo(ENV_KEY);
        assertThat(connection.keyVariable()).isEqualTo("ANTHROPIC_API_KEY");
    }

    @Test
    void openAiBaseUrlIsUsedAsGiven() {
        Connection connection = connect("openai:gpt-5-mini",
                Map.of("OPENAI_BASE_URL", "http://localhost:4000/openai", "OPENAI_API_KEY", "sk-proj-1"), noConfig);

        assertThat(connection.baseUrl()).isEqualTo("http://localhost:4000/openai");
    }

    @Test
    void openAiDefaultsToItsPublicApi() {
        Connection connection = connect("openai:gpt-5-mini", Map.of("OPENAI_API_KEY", "sk-proj-1"), noConfig);

        assertThat(connection.baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(connection.keyVariable()).isEqualTo("OPENAI_API_KEY");
    }

    @ParameterizedTest(name = "OLLAMA_HOST={0} -> {1}")
    @CsvSource({
            "127.0.0.1:11434, http://127.0.0.1:11434/v1",
            "0.0.0.0, http://127.0.0.1:11434/v1",
            "0.0.0.0:8080, http://127.0.0.1:8080/v1",
            "myhost, http://myhost:11434/v1",
            "myhost/, http://myhost:11434/v1",
            "[::1], http://[::1]:11434/v1",
            "http://host:1234, http://host:1234/v1",
            "http://host:1234/, http://host:1234/v1",
            "http://0.0.0.0:11434, http://127.0.0.1:11434/v1"})
    void ollamaHostIsReadTheWayOllamaReadsIt(String host, String expected) {
        Connection connection = connect("ollama:qwen3-coder:30b", Map.of("OLLAMA_HOST", host), noConfig);

        assertThat(connection.baseUrl()).isEqualTo(expected);
    }

    /**
     * Ollama's client (envconfig.Host in github.com/ollama/ollama) uses port 11434 only for a host without a scheme;
     * an explicit http:// or https:// URL keeps that scheme's default port, as for a TLS proxy in front of Ollama.
     */
    @ParameterizedTest(name = "OLLAMA_HOST={0} -> {1}")
    @CsvSource({
            "https://ollama.example.test, https://ollama.example.test/v1",
            "http://ollama.example.test/, http://ollama.example.test/v1"})
    void ollamaHostWithASchemeKeepsTheSchemesDefaultPort(String host, String expected) {
        Connection connection = connect("ollama:qwen3-coder:30b", Map.of("OLLAMA_HOST", host), noConfig);

        assertThat(connection.baseUrl()).isEqualTo(expected);
    }

    @Test
    void ollamaDefaultsToTheLocalServerAndNeedsNoKey() {
        Connection connection = connect("ollama:qwen3-coder:30b", Map.of(), noConfig);

        assertThat(connection.baseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(connection.apiKey()).isEqualTo("ollama");
        assertThat(connection.keyVariable()).isNull();
    }

    @Test
    void environmentWinsOverTheUserConfigFile() throws IOException {
        // given
        UserConfig config = anthropicKeyAndBaseUrlInFile();

        // when
        Connection connection = connect("anthropic:claude-sonnet-4-6",
                Map.of("ANTHROPIC_API_KEY", ENV_KEY, "ANTHROPIC_BASE_URL", "https://env.example.test"), config);

        // then
        assertThat(connection.apiKey()).isEqualTo(ENV_KEY);
        assertThat(connection.baseUrl()).isEqualTo("https://env.example.test/v1");
    }

    @Test
    void userConfigFileFillsInWhatTheEnvironmentLacks() throws IOException {
        // given
        UserConfig config = anthropicKeyAndBaseUrlInFile();

        // when a blank variable counts as unset
        Connection connection = connect("anthropic:claude-sonnet-4-6", Map.of("ANTHROPIC_API_KEY", " "), config);

        // then
        assertThat(connection.apiKey()).isEqualTo(FILE_KEY);
        assertThat(connection.baseUrl()).isEqualTo("https://file.example.test/v1");
    }

    @Test
    void ollamaTakesItsHostAndOptionalKeyFromTheUserConfigFile() throws IOException {
        UserConfig config = configFile("""
                [providers.ollama]
                base_url = "gpu-box:11500"
                api_key = "proxy-token"
                """);

        Connection connection = connect("ollama:qwen3-coder:30b", Map.of(), config);

        assertThat(connection.baseUrl()).isEqualTo("http://gpu-box:11500/v1");
        assertThat(connection.apiKey()).isEqualTo("proxy-token");
    }

    @Test
    void aMissingKeyFailsWithAConfigurationErrorNamingTheVariableAndTheFile() {
        assertThatThrownBy(() -> connect("openai:gpt-5-mini", Map.of(), noConfig))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFIGURATION);
                    assertThat(e.retriable()).isFalse();
                })
                .hasMessageContaining("set OPENAI_API_KEY")
                .hasMessageContaining("[providers.openai]")
                .hasMessageContaining("/nonexistent/munero/config.toml");
    }

    @Test
    void aBaseUrlThatIsNotHttpFailsWithAConfigurationError() {
        assertThatThrownBy(() -> connect("openai:gpt-5-mini",
                Map.of("OPENAI_API_KEY", "sk-proj-1", "OPENAI_BASE_URL", "localhost:4000"), noConfig))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFIGURATION))
                .hasMessageContaining("not an http(s) URL: localhost:4000");
    }

    @Test
    void theConnectionNeverShowsItsKey() {
        Connection connection = connect("anthropic:claude-sonnet-4-6", Map.of("ANTHROPIC_API_KEY", ENV_KEY),
                noConfig);

        assertThat(connection.toString()).doesNotContain(ENV_KEY).contains("https://api.anthropic.com/v1");
    }

    @Test
    void openingAModelWithoutAKeySendsNothingAndNamesTheVariable() {
        assertThatThrownBy(() -> Providers.open(ModelRef.parse("anthropic:claude-sonnet-4-6"), Map.of(), noConfig,
                Providers.Options.defaults()))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("ANTHROPIC_API_KEY");
    }

    @Test
    void keyVariablesAreKnownForKeyedProvidersOnly() {
        assertThat(Providers.keyVariable("anthropic")).contains("ANTHROPIC_API_KEY");
        assertThat(Providers.keyVariable("openai")).contains("OPENAI_API_KEY");
        assertThat(Providers.keyVariable("ollama")).isEmpty();
    }
}
