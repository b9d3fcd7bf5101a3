package dev.munero.memory.onnx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.llm.ProviderException;
import java.util.List;

/** Loads the in-process model once per JVM for the tests, or skips the calling test with the reason it failed. */
final class OnnxModel {
    private OnnxModel() {
    }

    /** The embedder with its model loaded; skips (JUnit assumption) when ONNX Runtime cannot load it here. */
    static OnnxEmbedder loaded() {
        OnnxEmbedder embedder = new OnnxEmbedder();
        String problem = null;
        try {
            embedder.embed(List.of("warm up"));
        } catch (ProviderException e) {
            problem = e.getMessage();
        }
        String why = problem;
        assumeTrue(why == null, () -> "skipped: the ONNX model could not be loaded on this machine: " + why);
        return embedder;
    }
}
