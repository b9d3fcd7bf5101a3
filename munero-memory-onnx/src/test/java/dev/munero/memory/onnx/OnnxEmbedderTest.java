package dev.munero.memory.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-process all-MiniLM-L6-v2 embedder, on the real model (loaded once for the class). */
class OnnxEmbedderTest {
    private static OnnxEmbedder embedder;

    @BeforeAll
    static void loadTheModel() {
        embedder = OnnxModel.loaded();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void embedsEachTextInOrderAsA384DimensionUnitVector() {
        List<float[]> vectors = embedder.embed(List.of("the build failed", "a cat sleeps", "the build failed"));

        assertThat(vectors).hasSize(3).allSatisfy(v -> {
            assertThat(v).hasSize(OnnxEmbedder.DIMENSIONS);
            assertThat(cosine(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        });
        assertThat(vectors.get(0)).containsExactly(vectors.get(2));
        assertThat(embedder.modelId()).isEqualTo("onnx:all-minilm-l6-v2-q");
    }

    @Test
    void placesAParaphraseNearerThanAnUnrelatedText() {
        List<float[]> v = embedder.embed(List.of("the unit tests fail when run together but pass alone",
                "a test leaks shared state into the next test in the suite",
                "the release notes were translated into French"));

        assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)) + 0.1);
    }

    @Test
    void refusesNoTextsAndEmptyTexts() {
        assertThatThrownBy(() -> embedder.embed(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> embedder.embed(List.of("a", ""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty text");
    }
}
