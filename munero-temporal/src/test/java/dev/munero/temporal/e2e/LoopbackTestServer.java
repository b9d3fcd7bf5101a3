package dev.munero.temporal.e2e;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Temporal's Java test server (temporal-test-server 1.38.0) on the loopback interface only: its own
 * {@code TestServer.createPortBoundServer} binds every interface ({@code Grpc.newServerBuilderForPort}), and servers
 * Munero's tests start listen on 127.0.0.1 alone. The services are the test server's, registered the way
 * {@code createPortBoundServer} registers them (with the health checks), with real time (time skipping locked, as
 * {@code createPortBoundServer(port)} has it).
 *
 * <p>{@code main(port)} runs it standalone in a child JVM until the JVM is stopped; {@link #start} runs it in the
 * test's JVM. Thread-safe.
 */
public final class LoopbackTestServer implements AutoCloseable {
    private final TestServicesStarter services;
    private final Server server;

    private LoopbackTestServer(TestServicesStarter services, Server server) {
        this.services = services;
        this.server = server;
    }

    /**
     * Starts the server on {@code 127.0.0.1:port}.
     *
     * @throws IOException when the port cannot be bound
     */
    public static LoopbackTestServer start(int port) throws IOException {
        TestServicesStarter services = new TestServicesStarter(true, 0);
        ServerBuilder<?> builder = NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
        return new LoopbackTestServer(services, builder.build().start());
    }

    /** {@code LoopbackTestServer PORT}: serves until the JVM is stopped. */
    public static void main(String[] args) throws Exception {
        LoopbackTestServer s = start(Integer.parseInt(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        s.server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdownNow();
        services.close();
    }
}
