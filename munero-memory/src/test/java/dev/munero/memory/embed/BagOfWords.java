package dev.munero.memory.embed;

import java.util.Locale;

/**
 * A deterministic stand-in for an embedding model in tests: each lower-cased word adds 1 to one of 64 dimensions
 * chosen by its hash, so texts sharing words have a positive cosine. It knows nothing of meaning; tests use it to
 * check plumbing (storage, re-embedding, fusion), never to claim search quality.
 */
final class BagOfWords {
    static final int DIMENSIONS = 64;

    private BagOfWords() {
    }

    static float[] vector(String text) {
        float[] v = new float[DIMENSIONS];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                v[Math.floorMod(word.hashCode(), DIMENSIONS)] += 1;
            }
        }
        return v;
    }
}
