package dev.munero.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The build daemon: a long-lived JVM that runs {@code munero} command lines for clients on a Unix domain
 * socket, so that repeated builds skip JVM start-up and run warm, JIT-compiled code (as the Gradle and Nx
 * daemons do). Each request carries the client's arguments, working directory, environment and terminal
 * flag (see {@link DaemonProtocol}), so a command behaves as it would in its own process; output streams
 * back as frames, and a cancel byte from the client (its Ctrl-C) interrupts the command.
 *
 * <p>It exits after {@code idle} without requests, on a {@code STOP} request, when its socket file is
 * removed, or when its jar is rebuilt (clients of the new jar use a new daemon). The socket's directory is created owner-only (0700). Thread-safe: one thread per connection.
 */
final class DaemonServer implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel server;
    private final Duration idle;
    private final AtomicInteger active = new AtomicInteger();
    private final Invocation.Warm warm = new Invocation.Warm(new dev.munero.engine.WorkspaceCache(),
            new dev.munero.engine.cache.FileHashCache());
    private final AtomicLong lastUse = new AtomicLong(System.nanoTime());
    private volatile boolean closed;

    private DaemonServer(Path socket, ServerSocketChannel server, Duration idle) {
        this.socket = socket;
        this.server = server;
        this.idle = idle;
    }

    /**
     * Binds {@code socket} and starts serving on background threads.
     *
     * @throws IOException when the socket cannot be bound (e.g. another daemon serves it)
     */
    static DaemonServer start(Path socket, Duration idle) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the OS's defaults apply
            }
        }
        Files.deleteIfExists(socket); // a stale file from a daemon that died; a live one answered the client
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(socket));
        DaemonServer d = new DaemonServer(socket, ch, idle);
        Thread.ofPlatform().daemon().name("munero-daemon-accept").start(d::acceptLoop);
        Thread.ofPlatform().daemon().name("munero-daemon-idle").start(d::idleLoop);
        return d;
    }

    /** Entry point of the daemon process: {@code DaemonServer SOCKET [IDLE_MINUTES]}. */
    public static void main(String[] args) throws Exception {
        Duration idle = Duration.ofMinutes(args.length > 1 ? Long.parseLong(args[1]) : 180);
        try (DaemonServer d = start(Path.of(args[0]), idle)) {
            d.awaitClose();
        }
        System.exit(0);
    }

    synchronized void awaitClose() throws InterruptedException {
        while (!closed) {
            wait(1000);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                active.incrementAndGet();
                lastUse.set(System.nanoTime());
                Thread.ofPlatform().daemon().name("munero-daemon-client").start(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("munero daemon: accept failed: " + e.getMessage());
                    close();
                }
            }
        }
    }

    private void idleLoop() {
        while (!closed) {
            try {
                Thread.sleep(Math.min(idle.toMillis(), 5_000));
            } catch (InterruptedException e) {
                return;
            }
            // never under a running command: a build may be the one that rebuilt this daemon's jar
            boolean idleNow = active.get() == 0;
            boolean replaced = !Files.exists(socket) || jarChanged();
            boolean expired = System.nanoTime() - lastUse.get() > idle.toNanos();
            if (idleNow && (replaced || expired)) {
                close();
            }
        }
    }

    private final String jarStamp = jarStamp();

    /** Whether the jar this daemon runs from was rebuilt or removed: clients now use a new daemon. */
    private boolean jarChanged() {
        return !jarStamp.equals(jarStamp());
    }

    private static String jarStamp() {
        try {
            Path jar = DaemonProtocol.ownJar();
            return Files.getLastModifiedTime(jar).toMillis() + "/" + Files.size(jar);
        } catch (IOException | RuntimeException e) {
            return "missing";
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(client)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(client)));
            int magic = in.readInt();
            if (magic == DaemonProtocol.MAGIC_STOP) {
                // the socket goes first, so that it is gone when the client hears back; the rest after the answer,
                // as closing lets main() exit the JVM, which cut the answer off ("internal error: EOFException")
                Files.deleteIfExists(socket);
                try {
                    writeExit(out, 0);
                } finally {
                    close();
                }
                return;
            }
            if (magic != DaemonProtocol.MAGIC_RUN) {
                return;
            }
            DaemonProtocol.Request request = DaemonProtocol.readRequest(in);
            AtomicReference<Runnable> onCancel = new AtomicReference<>();
            Thread watcher = Thread.ofPlatform().daemon().name("munero-daemon-cancel").start(() -> {
                int b;
                try {
                    b = in.read();
                } catch (IOException e) {
                    b = -1;
                }
                // a cancel byte (the client's Ctrl-C), or the client gone (killed, its terminal closed): either
                // way nobody waits for this command any more, so it stops as on Ctrl-C
                if (b == DaemonProtocol.CANCEL || b == -1) {
                    Runnable r = onCancel.getAndSet(null);
                    if (r != null) {
                        r.run();
                    }
                }
            });
            PrintStream stdout = new PrintStream(new FrameStream(out, DaemonProtocol.STDOUT), true, StandardCharsets.UTF_8);
            PrintStream stderr = new PrintStream(new FrameStream(out, DaemonProtocol.STDERR), true, StandardCharsets.UTF_8);
            Invocation inv = new Invocation(stdout, stderr, request.env(), Path.of(request.cwd()), request.interactive(),
                    action -> {
                        onCancel.set(action);
                        return () -> onCancel.set(null);
                    }, warm, request.columns());
            int code = Main.run(inv, request.args().toArray(String[]::new));
            stdout.flush();
            stderr.flush();
            writeExit(out, code);
            watcher.interrupt();
        } catch (IOException e) {
            // the client disconnected mid-command
        } finally {
            lastUse.set(System.nanoTime());
            active.decrementAndGet();
        }
    }

    private static void writeExit(DataOutputStream out, int code) throws IOException {
        synchronized (out) {
            out.writeByte(DaemonProtocol.EXIT);
            out.writeInt(code);
            out.flush();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // exiting anyway
        }
        notifyAll();
    }

    /** Writes everything as frames of one stream type; shared by the stdout and stderr streams of a request. */
    private static final class FrameStream extends OutputStream {
        private final DataOutputStream out;
        private final byte type;

        FrameStream(DataOutputStream out, byte type) {
            this.out = out;
            this.type = type;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            synchronized (out) {
                out.writeByte(type);
                out.writeInt(len);
                out.write(b, off, len);
                out.flush();
            }
        }
    }
}
