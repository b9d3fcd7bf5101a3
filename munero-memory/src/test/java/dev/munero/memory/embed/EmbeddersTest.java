package dev.munero.memory.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.engine.config.ConfigException;
import dev.munero.llm.ProviderException;
import dev.munero.llm.UserConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddersTest {
    @TempDir
    Path dir;

    private UserConfig userConfig(String toml) throws Exception {
        Path file = dir.resolve("config.toml");
        Files.writeString(file, toml);
        return UserConfig.load(Map.of("MUNERO_CONFIG", file.toString()));
    }

    private Path repo(String yaml) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("munero.yaml"), yaml);
        return repo;
    }

    @Test
    void withoutAnyEmbeddingsSectionThereAreNoSettings() throws Exception {
        Path repo = repo("steps:\n  - name: build\n    command: [\"true\"]\n");
        assertThat(EmbeddingSettings.resolve(repo, userConfig(""))).isEmpty();
        assertThat(Embedders.forRepository(repo, Map.of(), userConfig(""))).isEmpty();
    }

    @Test
    void muneroYamlWinsOverTheUserConfigAndSaysWhereItWasSet() throws Exception {
        Path repo = repo("steps:\n  - name: build\n    command: [\"true\"]\nmemory:\n  embeddings:\n    provider: ollama\n"
                + "    model: nomic-embed-text\n");
        var config = userConfig("[memory.embeddings]\nprovider = \"openai\"\nmodel = \"text-embedding-3-small\"\n");
        var settings = EmbeddingSettings.resolve(repo, config).orElseThrow();

        assertThat(settings.provider()).isEqualTo("ollama");
        assertThat(settings.from()).contains("munero.yaml:5");
        assertThat(Embedders.forRepository(repo, Map.of(), config).orElseThrow().modelId())
                .isEqualTo("ollama:nomic-embed-text");
    }

    @Test
    void theUserConfigSectionAppliesWhenMuneroYamlHasNone() throws Exception {
        var config = userConfig("[memory.embeddings]\nprovider = \"openai\"\nmodel = \"text-embedding-3-small\"\n"
                + "[providers.openai]\napi_key = \"sk-from-file\"\n");
        var settings = EmbeddingSettings.resolve(dir, config).orElseThrow();
        var embedder = Embedders.open(settings, Map.of(), config);

        assertThat(embedder.modelId()).isEqualTo("openai:text-embedding-3-small");
        assertThat(embedder.toString()).contains("https://api.openai.com/v1").doesNotContain("sk-from-file");
    }

    @Test
    void anUnknownProviderInMuneroYamlIsASchemaErrorWithItsLine() throws Exception {
        Path repo = repo("steps:\n  - name: build\n    command: [\"true\"]\nmemory:\n  embeddings:\n    provider: cohere\n"
                + "    model: embed-v4\n");
        assertThatThrownBy(() -> EmbeddingSettings.resolve(repo, userConfig("")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("munero.yaml:6");
    }

    @Test
    void aMissingModelInTheUserConfigNamesTheFile() throws Exception {
        var config = userConfig("[memory.embeddings]\nprovider = \"ollama\"\n");
        assertThatThrownBy(() -> Embedders.forRepository(dir, Map.of(), config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.toml [memory.embeddings]").hasMessageContaining("model is missing");
    }

    @Test
    void openAiWithoutAKeyIsAConfigurationErrorNamingTheVariable() throws Exception {
        var settings = new EmbeddingSettings("openai", Optional.of("text-embedding-3-small"), Optional.empty(), "here");
        assertThatThrownBy(() -> Embedders.open(settings, Map.of(), userConfig("")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFIGURATION);
                    assertThat(e.getMessage()).contains("OPENAI_API_KEY");
                });
    }

    @Test
    void ollamaHostWithoutASchemeGetsOllamasDefaultPort() throws Exception {
        var settings = new EmbeddingSettings("ollama", Optional.of("all-minilm"), Optional.empty(), "here");
        var embedder = Embedders.open(settings, Map.of("OLLAMA_HOST", "0.0.0.0"), userConfig(""));
        assertThat(embedder.toString()).contains("http://127.0.0.1:11434");
    }

    @Test
    void theHttpProvidersAreFoundThroughTheServiceLoader() {
        assertThat(Embedders.available()).containsKeys("openai", "ollama");
    }

    @Test
    void onnxWithoutItsModuleOnTheClassPathSaysHowToAddIt() throws Exception {
        // munero-memory's own tests run without munero-memory-onnx, as the default jar does
        Path repo = repo("steps:\n  - name: build\n    command: [\"true\"]\nmemory:\n  embeddings:\n    provider: onnx\n");
        assertThatThrownBy(() -> Embedders.forRepository(repo, Map.of(), userConfig("")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFIGURATION);
                    assertThat(e.getMessage()).contains("munero.yaml:5").contains("munero-memory-onnx")
                            .contains("MUNERO_WITH=onnx");
                });
    }

    @Test
    void aProviderNamedOnlyInTheUserConfigThatNoModuleHasListsTheAvailableOnes() throws Exception {
        var config = userConfig("[memory.embeddings]\nprovider = \"cohere\"\nmodel = \"embed-v4\"\n");
        assertThatThrownBy(() -> Embedders.forRepository(dir, Map.of(), config))
                .isInstanceOf(ProviderException.class).hasMessageContaining("[memory.embeddings]")
                .hasMessageContaining("'cohere'").hasMessageContaining("available: ollama, openai");
    }

    @Test
    void ollamaWithoutAModelInMuneroYamlIsASchemaErrorWithItsLine() throws Exception {
        Path repo = repo("steps:\n  - name: build\n    command: [\"true\"]\nmemory:\n  embeddings:\n    provider: ollama\n");
        assertThatThrownBy(() -> EmbeddingSettings.resolve(repo, userConfig("")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("munero.yaml:6")
                .hasMessageContaining("missing required field 'model'");
    }
}
