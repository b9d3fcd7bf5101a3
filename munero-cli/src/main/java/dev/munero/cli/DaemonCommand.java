package dev.munero.cli;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code munero daemon status|stop}: the build daemon the launcher uses. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Show or stop the build daemon. The munero launcher runs commands in a long-lived daemon JVM "
                + "(started on first use, stopped after 3 hours idle) to skip JVM start-up; MUNERO_DAEMON=0 turns it "
                + "off, and it is off when CI is set.", ""})
final class DaemonCommand implements Callable<Integer> {
    enum Action { status, stop }

    private final Invocation invocation;

    DaemonCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ACTION", description = "status (default) or stop.", arity = "0..1", defaultValue = "status")
    Action action;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path socket = DaemonProtocol.socketFor(DaemonProtocol.ownJar(), invocation.env());
        SocketChannel ch = DaemonClient.connect(socket);
        if (ch == null) {
            out.println("munero daemon: not running (socket " + socket + ")");
            return ExitCodes.OK;
        }
        try (ch) {
            if (action == Action.status) {
                out.println("munero daemon: running (socket " + socket + ")");
                return ExitCodes.OK;
            }
            DataOutputStream os = new DataOutputStream(Channels.newOutputStream(ch));
            os.writeInt(DaemonProtocol.MAGIC_STOP);
            os.flush();
            new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch))).readByte();
            out.println("munero daemon: stopped");
            return ExitCodes.OK;
        }
    }
}
