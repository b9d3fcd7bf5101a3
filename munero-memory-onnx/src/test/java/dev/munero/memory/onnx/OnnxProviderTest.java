package dev.munero.memory.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.UserConfig;
import dev.munero.memory.embed.Embedders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code provider: onnx} found through munero-memory's ServiceLoader SPI when this module is on the class path. */
class OnnxProviderTest {
    @TempDir
    Path dir;

    private Path repo(String embeddings) throws Exception {
        Files.writeString(dir.resolve("munero.yaml"), "steps:\n  - name: build\n    command: [\"true\"]\nmemory:\n"
                + "  embeddings:\n" + embeddings);
        return dir;
    }

    private UserConfig noUserConfig() throws Exception {
        return UserConfig.load(Map.of("MUNERO_CONFIG", dir.resolve("absent.toml").toString()));
    }

    @Test
    void providerOnnxWithoutAModelGivesTheInProcessEmbedderWithoutLoadingTheModel() throws Exception {
        var embedder = Embedders.forRepository(repo("    provider: onnx\n"), Map.of(), noUserConfig()).orElseThrow();

        assertThat(embedder).isInstanceOf(OnnxEmbedder.class);
        assertThat(embedder.modelId()).isEqualTo("onnx:all-minilm-l6-v2-q");
    }

    @Test
    void theModuleSOneModelMayBeNamed() throws Exception {
        var embedder = Embedders.forRepository(repo("    provider: onnx\n    model: all-minilm-l6-v2-q\n"), Map.of(),
                noUserConfig()).orElseThrow();
        assertThat(embedder.modelId()).isEqualTo("onnx:all-minilm-l6-v2-q");
    }

    @Test
    void anotherModelIsRefusedNamingWhereItIsWrittenAndTheModelThereIs() throws Exception {
        Path repo = repo("    provider: onnx\n    model: bge-small\n");
        assertThatThrownBy(() -> Embedders.forRepository(repo, Map.of(), noUserConfig()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("munero.yaml:5")
                .hasMessageContaining("'bge-small'").hasMessageContaining("all-minilm-l6-v2-q");
    }

    @Test
    void aUrlIsRefusedBecauseTheModelRunsInProcess() throws Exception {
        Path repo = repo("    provider: onnx\n    url: http://127.0.0.1:9\n");
        assertThatThrownBy(() -> Embedders.forRepository(repo, Map.of(), noUserConfig()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url does not apply");
    }
}
