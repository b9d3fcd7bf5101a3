package dev.munero.memory.embed;

import java.util.Locale;

/**
 * A deterministic stand-in for an embedding model in tests: each lower-cased word adds 1 to one of 64 dimensions
 * chosen by its hash, so texts sharing words have a positive cosine. It knows nothing of meaning; tests use it to
 * check plumbing (storage, re-embedding, fusion), never to claim search quality.
 */
public final class BagOfWords {
    public static final int DIMENSIONS = 64;

    private BagOfWords() {
    }

    public static float[] vector(String text) {
        return vector(text, DIMENSIONS);
    }

    /** The same with {@code dimensions} dimensions (1536 sizes a benchmark like OpenAI's text-embedding-3-small). */
    public static float[] vector(String text, int dimensions) {
        float[] v = new float[dimensions];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                v[Math.floorMod(word.hashCode(), dimensions)] += 1;
            }
        }
        return v;
    }
}
