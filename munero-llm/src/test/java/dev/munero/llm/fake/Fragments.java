package dev.munero.llm.fake;

import java.util.ArrayList;
import java.util.List;

/** Splits streamed text the way a live stream arrives: in a few pieces, never inside a surrogate pair. */
final class Fragments {
    /** How many pieces a text or a tool-argument string is streamed in (fewer when it is shorter). */
    static final int PIECES = 3;

    private Fragments() {}

    /** Up to {@link #PIECES} non-empty pieces that concatenate to {@code text}; none for "". */
    static List<String> split(String text) {
        int codePoints = text.codePointCount(0, text.length());
        int size = Math.max(1, (codePoints + PIECES - 1) / PIECES);
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.offsetByCodePoints(start, Math.min(size, text.codePointCount(start, text.length())));
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
