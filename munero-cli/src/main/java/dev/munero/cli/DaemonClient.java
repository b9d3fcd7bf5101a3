package dev.munero.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code munero} client used by the launcher: sends the command line, working directory and environment
 * to the build daemon (starting it when none answers), relays its output and exits with its exit code.
 * Ctrl-C is forwarded as a cancel request and the client waits for the command to save its state. When no
 * daemon can be started the command runs in this process instead.
 *
 * <p>Loads no library classes, so that it starts in a few tens of milliseconds.
 */
public final class DaemonClient {
    private static final long START_TIMEOUT_MILLIS = 15_000;

    private DaemonClient() {
    }

    public static void main(String[] args) {
        LauncherSecrets.takeOrExit();
        if (args.length > 0 && (args[0].equals("daemon") || args[0].equals("agent") || args[0].equals("mcp"))) {
            // managing the daemon is not a job for the daemon; an agent run needs this terminal's input to ask for
            // permission, and runs for minutes, so the daemon's faster start-up is worth nothing to it; munero mcp
            // speaks to its host on this process's own stdin and stdout
            System.exit(Main.run(args));
            return;
        }
        // the user's whole environment, the secrets the launcher moved out of this JVM's included: the daemon runs
        // the user's own build, whose steps see it as they would from make (the daemon's own process gets none)
        Map<String, String> env = LauncherSecrets.environment();
        SocketChannel channel;
        try {
            Path socket = DaemonProtocol.socketFor(DaemonProtocol.ownJar(), env);
            channel = connect(socket);
            if (channel == null) {
                channel = startAndConnect(socket, env);
            }
        } catch (IOException e) {
            channel = null;
        }
        if (channel == null) {
            System.err.println("munero: the build daemon could not be started; running without it (MUNERO_DAEMON=0 skips the attempt)");
            System.exit(Main.run(args));
            return;
        }
        writeHint(env);
        DaemonProtocol.Request request = new DaemonProtocol.Request(List.of(args), Path.of("").toAbsolutePath().toString(),
                env, Terminal.isInteractive(env), Terminal.columns());
        System.exit(call(channel, request, System.out, System.err, true));
    }

    /**
     * Sends {@code request} on {@code channel} and relays the answer.
     *
     * @param forwardInterrupts install a shutdown hook that turns Ctrl-C into a cancel request
     * @return the command's exit code; 1 when the daemon went away mid-command
     */
    static int call(SocketChannel channel, DaemonProtocol.Request request, PrintStream out, PrintStream err,
                    boolean forwardInterrupts) {
        CountDownLatch exited = new CountDownLatch(1);
        Thread hook = null;
        try (channel) {
            DataOutputStream os = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            DaemonProtocol.writeRequest(os, request);
            if (forwardInterrupts) {
                hook = new Thread(() -> {
                    try {
                        os.writeByte(DaemonProtocol.CANCEL);
                        os.flush();
                        exited.await(15, TimeUnit.SECONDS);
                    } catch (IOException | InterruptedException e) {
                        // the daemon is gone or we are out of time
                    }
                }, "munero-cancel");
                Runtime.getRuntime().addShutdownHook(hook);
            }
            while (true) {
                byte type = in.readByte();
                if (type == DaemonProtocol.EXIT) {
                    int code = in.readInt();
                    out.flush();
                    err.flush();
                    return code;
                }
                int len = in.readInt();
                byte[] data = in.readNBytes(len);
                PrintStream target = type == DaemonProtocol.STDERR ? err : out;
                target.write(data, 0, data.length);
                target.flush();
            }
        } catch (EOFException e) {
            err.println("munero: the build daemon stopped before the command finished");
            return ExitCodes.FAILED;
        } catch (IOException e) {
            err.println("munero: lost the connection to the build daemon: " + e.getMessage());
            return ExitCodes.FAILED;
        } finally {
            exited.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it has what it waited for
                }
            }
        }
    }

    /**
     * Tells the launcher's native client ({@code src/main/c/daemon_client.c}) where the daemon serving this jar and this
     * JDK listens, so that the next command reaches it without a JVM: {@code <socket folder>/client-<FNV-1a 64 of the
     * jar's path, 16 hex digits>.hint}, lines {@code munero-client-hint 2}, {@code jar <mtime ms> <size> <path>},
     * {@code java <mtime ms of java.home/release> <java.home>} (an in-place JDK update gives a new daemon, see
     * {@link DaemonProtocol#socketFor}), {@code socket <path>}. Written (atomically) only when it says something new. Best
     * effort: without it every command starts this JVM client, as before.
     */
    static void writeHint(Map<String, String> env) {
        try {
            Path jar = DaemonProtocol.ownJar();
            Path socket = DaemonProtocol.socketFor(jar, env);
            Path javaHome = Path.of(System.getProperty("java.home"));
            String text = "munero-client-hint 2\njar " + Files.getLastModifiedTime(jar).toMillis() + " " + Files.size(jar)
                    + " " + jar + "\njava " + Files.getLastModifiedTime(javaHome.resolve("release")).toMillis() + " "
                    + javaHome + "\nsocket " + socket + "\n";
            if (text.chars().filter(c -> c == '\n').count() != 4) {
                return; // a path with a newline: no hint
            }
            Path hint = socket.resolveSibling("client-" + DaemonProtocol.fnv1a(jar.toString()) + ".hint");
            if (Files.exists(hint) && Files.readString(hint).equals(text)) {
                return;
            }
            Path tmp = Files.createTempFile(socket.getParent(), "client-", ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, hint, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // the native client then finds no hint and starts this client instead
        }
    }

    /** A connection to the daemon on {@code socket}, or null when none answers. */
    static SocketChannel connect(Path socket) {
        if (!Files.exists(socket)) {
            return null;
        }
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException e) {
            return null;
        }
    }

    /** Starts a daemon process for {@code socket}, detached from the terminal, and connects to it. */
    private static SocketChannel startAndConnect(Path socket, Map<String, String> env) throws IOException {
        Files.createDirectories(socket.getParent());
        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            cmd.add(setsid.toString()); // its own session: Ctrl-C in this terminal must not reach the daemon
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(DaemonProtocol.ownJar().toString());
        cmd.add(DaemonServer.class.getName());
        cmd.add(socket.toString());
        cmd.add(env.getOrDefault("MUNERO_DAEMON_IDLE_MINUTES", "180"));
        Path log = socket.resolveSibling(socket.getFileName().toString().replace(".sock", ".log"));
        new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            SocketChannel ch = connect(socket);
            if (ch != null) {
                return ch;
            }
            try {
                Thread.sleep(20); // waiting for another process to bind; bounded by START_TIMEOUT_MILLIS
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
