package dev.munero.cli;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run behind the launcher's second, small AOT cache: the one the daemon client starts with.
 * It runs the client's code path (socket name, terminal check, request, output frames, exit frame) against
 * a stand-in server thread that answers like the daemon, loading nothing of the engine, so that the client
 * JVM maps and preloads only what it uses. Not a user command; the launcher calls it once per build.
 */
public final class ClientTraining {
    private ClientTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("munero-client-training");
        Path socket = dir.resolve("d.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread answer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 3; i++) {
                    try (SocketChannel c = server.accept()) {
                        DataInputStream in = new DataInputStream(Channels.newInputStream(c));
                        in.readInt();
                        DaemonProtocol.readRequest(in);
                        DataOutputStream out = new DataOutputStream(Channels.newOutputStream(c));
                        out.writeByte(DaemonProtocol.STDOUT);
                        out.writeInt(3);
                        out.write("ok\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        out.writeByte(DaemonProtocol.EXIT);
                        out.writeInt(0);
                        out.flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
            for (int i = 0; i < 3; i++) {
                DaemonProtocol.socketFor(DaemonProtocol.ownJar(), System.getenv());
                DaemonClient.call(DaemonClient.connect(socket), new DaemonProtocol.Request(List.of("build"),
                        dir.toString(), System.getenv(), Terminal.isInteractive(System.getenv())), sink, sink, true);
            }
            answer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }
}
