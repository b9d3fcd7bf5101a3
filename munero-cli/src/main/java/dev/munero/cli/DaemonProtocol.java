package dev.munero.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The wire format between the {@code munero} client and the build daemon, over a Unix domain socket.
 *
 * <p>Request (client to daemon): the magic {@code MUN1}, then the argument count and arguments, the working
 * directory, the environment (count, then name and value), whether stdout is a terminal, and the terminal's
 * width in columns (4 bytes; 0 when unknown); strings are a 4-byte length and UTF-8 bytes. After the request the client may send one byte {@link #CANCEL}.
 * Response (daemon to client): frames of one type byte ({@link #STDOUT}, {@link #STDERR}: 4-byte length and
 * bytes; {@link #EXIT}: 4-byte exit code, always last). The magic {@code STOP} instead of {@code MUN1} asks
 * the daemon to exit; it answers with an {@link #EXIT} frame.
 *
 * <p>Kept free of libraries so that the client starts fast. Thread-safe: stateless.
 */
final class DaemonProtocol {
    static final int MAGIC_RUN = 0x4d554e31; // "MUN1"
    static final int MAGIC_STOP = 0x53544f50; // "STOP"
    static final byte STDOUT = 'O';
    static final byte STDERR = 'E';
    static final byte EXIT = 'X';
    static final byte CANCEL = 'C';

    private DaemonProtocol() {
    }

    /**
     * A request to run a command line.
     *
     * @param columns the width of the client's terminal in columns, 0 when unknown; the daemon has no terminal
     *                to ask, so the progress bar and help text take their width from here
     */
    record Request(List<String> args, String cwd, Map<String, String> env, boolean interactive, int columns) {
        Request {
            if (columns < 0) {
                throw new IllegalArgumentException("columns must be 0 (unknown) or positive, was " + columns);
            }
        }

        /** A request from a client that does not know its terminal's width. */
        Request(List<String> args, String cwd, Map<String, String> env, boolean interactive) {
            this(args, cwd, env, interactive, 0);
        }
    }

    static void writeRequest(DataOutputStream out, Request r) throws IOException {
        out.writeInt(MAGIC_RUN);
        out.writeInt(r.args().size());
        for (String a : r.args()) {
            writeString(out, a);
        }
        writeString(out, r.cwd());
        out.writeInt(r.env().size());
        for (Map.Entry<String, String> e : r.env().entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        out.writeBoolean(r.interactive());
        out.writeInt(r.columns());
        out.flush();
    }

    /** Reads the rest of a request whose magic was {@link #MAGIC_RUN}. */
    static Request readRequest(DataInputStream in) throws IOException {
        int argc = in.readInt();
        checkCount(argc);
        String[] args = new String[argc];
        for (int i = 0; i < argc; i++) {
            args[i] = readString(in);
        }
        String cwd = readString(in);
        int envc = in.readInt();
        checkCount(envc);
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < envc; i++) {
            env.put(readString(in), readString(in));
        }
        boolean interactive = in.readBoolean();
        int columns = in.readInt();
        if (columns < 0 || columns > 100_000) {
            throw new IOException("protocol error: a terminal of " + columns + " columns");
        }
        return new Request(List.of(args), cwd, env, interactive, columns);
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (16 << 20)) {
            throw new IOException("protocol error: a string of " + n + " bytes");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void checkCount(int n) throws IOException {
        if (n < 0 || n > 100_000) {
            throw new IOException("protocol error: a count of " + n);
        }
    }

    /**
     * The daemon's socket for this Munero build and Java runtime: a new jar (or JDK) gets a new daemon, so
     * a client never talks to a daemon running other code. Directory: {@code $MUNERO_DAEMON_DIR}, else
     * {@code $XDG_RUNTIME_DIR/munero}, else {@code ~/.munero/daemon}.
     */
    static Path socketFor(Path jar, Map<String, String> env) throws IOException {
        String dir = env.get("MUNERO_DAEMON_DIR");
        Path base = dir != null ? Path.of(dir)
                : env.get("XDG_RUNTIME_DIR") != null ? Path.of(env.get("XDG_RUNTIME_DIR"), "munero")
                : Path.of(System.getProperty("user.home"), ".munero", "daemon");
        String identity = jar.toAbsolutePath() + "|" + Files.getLastModifiedTime(jar).toMillis() + "|" + Files.size(jar)
                + "|" + System.getProperty("java.home") + "|" + Runtime.version();
        return base.resolve("munero-" + fnv1a(identity) + ".sock");
    }

    /**
     * FNV-1a, 64 bits, of {@code text}'s UTF-8 bytes, as 16 lower-case hex digits: a name, not a secret, and no
     * MessageDigest provider lookup on the client's start path. {@code daemon_client.c} computes the same.
     */
    static String fnv1a(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return HexFormat.of().toHexDigits(h);
    }

    /** The jar this class was loaded from. */
    static Path ownJar() {
        try {
            return Path.of(DaemonProtocol.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
