package dev.munero.agent.tools;

import dev.munero.engine.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;

/** Reading and writing the workspace's text files, shared by the file tools. Thread-safe: stateless. */
final class TextFiles {
    /** Bytes looked at to tell a binary file (one with a NUL byte there), as Git and grep do. */
    private static final int BINARY_PROBE_BYTES = 8192;
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private TextFiles() {
    }

    /** A reader of {@code file} as UTF-8 that replaces malformed bytes instead of failing. */
    static BufferedReader reader(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
    }

    /** Whether {@code file} has a NUL byte in its first 8 KiB. */
    static boolean isBinary(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] probe = in.readNBytes(BINARY_PROBE_BYTES);
            for (byte b : probe) {
                if (b == 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Replaces {@code file} with {@code content} (UTF-8) atomically, creating its directories; an existing file
     * keeps its permissions, a new one gets {@code rw-r--r--}.
     *
     * @return the number of bytes written
     */
    static int write(Path file, String content) throws IOException {
        Set<PosixFilePermission> permissions = null;
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (posix) {
            permissions = Files.exists(file) ? Files.getPosixFilePermissions(file) : NEW_FILE;
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, bytes);
        if (posix) {
            Files.setPosixFilePermissions(file, permissions);
        }
        return bytes.length;
    }

    /** One line as {@code cat -n} prints it: the number right-aligned in 6 columns, a tab, the text. */
    static String numbered(int lineNumber, String text) {
        return String.format(Locale.ROOT, "%6d\t%s", lineNumber, text);
    }

    /** {@code n} and the noun, singular or plural: {@code 1 line}, {@code 3 lines}. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
