package dev.munero.agent.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Cuts long tool output to a size a model can take, keeping its head and its tail (where a command's errors and
 * summary usually are), on line boundaries where one is near, with a line in the middle saying how much was cut:
 * {@code [... 1234 characters in 56 lines cut ...]}.
 *
 * <p>Thread-safe: stateless.
 */
public final class OutputCap {
    private static final int BUFFER_BYTES = 64 * 1024;

    private OutputCap() {
    }

    /**
     * {@code text}, or at most about {@code maxChars} of it (plus the marker line) when it is longer.
     *
     * @param maxChars the most characters to keep, split evenly between head and tail
     */
    public static String cap(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int half = maxChars / 2;
        int headEnd = lineEndBefore(text, half);
        int tailStart = lineStartAfter(text, text.length() - (maxChars - half));
        String cut = text.substring(headEnd, tailStart);
        return text.substring(0, headEnd) + marker(cut.length(), "characters", newlines(cut)) + text.substring(tailStart);
    }

    /**
     * The text of {@code file} (UTF-8, malformed bytes replaced) capped like {@link #cap}; a large file is not read
     * whole: only its head and tail, and the middle is counted.
     *
     * @throws IOException when the file cannot be read
     */
    static String capFile(Path file, int maxChars) throws IOException {
        long size = Files.size(file);
        if (size <= 4L * maxChars) {
            return cap(decode(Files.readAllBytes(file)), maxChars);
        }
        int half = maxChars / 2;
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            byte[] head = read(ch, 0, half);
            byte[] tail = read(ch, size - (maxChars - half), maxChars - half);
            // '\n' never occurs inside a UTF-8 multi-byte sequence, so cutting after one keeps characters whole
            int lastNewline = lastIndexOf(head, (byte) '\n');
            int headEnd = lastNewline >= head.length / 2 ? lastNewline + 1 : head.length;
            int firstNewline = indexOf(tail, (byte) '\n');
            int tailStart = firstNewline >= 0 && firstNewline < tail.length / 2 ? firstNewline + 1 : 0;
            long tailFrom = size - (tail.length - tailStart);
            long cutLines = countNewlines(ch, headEnd, tailFrom);
            return decode(java.util.Arrays.copyOf(head, headEnd)) + marker(tailFrom - headEnd, "bytes", cutLines)
                    + decode(java.util.Arrays.copyOfRange(tail, tailStart, tail.length));
        }
    }

    /**
     * The last {@code n} lines of {@code file} (UTF-8, malformed bytes replaced).
     *
     * @throws IOException when the file cannot be read
     */
    public static List<String> lastLines(Path file, int n) throws IOException {
        ArrayDeque<String> last = new ArrayDeque<>(n + 1);
        try (var reader = TextFiles.reader(file)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                last.addLast(line);
                if (last.size() > n) {
                    last.removeFirst();
                }
            }
        }
        return List.copyOf(last);
    }

    private static String marker(long amount, String unit, long lines) {
        return "\n[... " + amount + " " + unit + " in " + lines + " lines cut ...]\n";
    }

    /** The end of the last whole line in {@code text[0, limit)}, or {@code limit} when the cut would lose over half. */
    private static int lineEndBefore(String text, int limit) {
        int nl = text.lastIndexOf('\n', limit - 1);
        return nl >= limit / 2 ? nl + 1 : limit;
    }

    /** The start of the first whole line at or after {@code from}, or {@code from} when none is near. */
    private static int lineStartAfter(String text, int from) {
        int nl = text.indexOf('\n', from);
        int room = text.length() - from;
        return nl >= 0 && nl - from < room / 2 ? nl + 1 : from;
    }

    private static long newlines(CharSequence s) {
        return s.chars().filter(c -> c == '\n').count();
    }

    private static byte[] read(SeekableByteChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        ch.position(position);
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
            // fill
        }
        return java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    private static long countNewlines(SeekableByteChannel ch, long from, long to) throws IOException {
        long count = 0;
        ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);
        ch.position(from);
        long left = to - from;
        while (left > 0) {
            buf.clear().limit((int) Math.min(buf.capacity(), left));
            int r = ch.read(buf);
            if (r < 0) {
                break;
            }
            for (int k = 0; k < r; k++) {
                if (buf.get(k) == '\n') {
                    count++;
                }
            }
            left -= r;
        }
        return count;
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        for (int k = bytes.length - 1; k >= 0; k--) {
            if (bytes[k] == b) {
                return k;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int k = 0; k < bytes.length; k++) {
            if (bytes[k] == b) {
                return k;
            }
        }
        return -1;
    }

    static String decode(byte[] bytes) {
        return StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes)).toString();
    }
}
