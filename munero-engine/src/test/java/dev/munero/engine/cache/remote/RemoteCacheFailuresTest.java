package dev.munero.engine.cache.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.munero.engine.Workspace;
import dev.munero.engine.build.BuildEngine;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildOptions;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.cache.CacheEntry;
import dev.munero.engine.cache.LocalCache;
import dev.munero.engine.config.ConfigLoader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote cache that is dead, slow, failing or full never fails a build (issue 16): bounded retries with backoff,
 * then the local cache only, with ONE warning. Real HTTP on 127.0.0.1 (the JDK's server, or a socket that never
 * answers).
 */
class RemoteCacheFailuresTest {
    @TempDir
    Path root;
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void workspace() throws Exception {
        Files.writeString(root.resolve(ConfigLoader.FILE_NAME), RemoteCacheContractTest.YAML);
        Files.createDirectories(root.resolve("src"));
        for (String f : List.of("a", "b", "c")) {
            Files.writeString(root.resolve("src/" + f + ".txt"), f + "\n");
        }
    }

    @Test
    void aClosedPortGivesOneWarningAndTheBuildPasses() throws Exception {
        int port = CacheServers.freePort(); // nothing listens there once the probe socket is closed

        BuildReport report = build(settings("http://127.0.0.1:" + port, Duration.ofSeconds(10)));

        assertThat(report.status()).isEqualTo(BuildStatus.PASSED);
        assertThat(report.counts().passed()).isEqualTo(3);
        assertThat(warnings).singleElement().asString().contains("remote cache http://127.0.0.1:" + port,
                "connection refused", "after 3 attempts", "local cache only");
        assertThat(report.remoteCache().problem()).isEqualTo(warnings.get(0));
        assertThat(report.remoteCache().uploads()).isZero();
    }

    @Test
    void aServerThatNeverAnswersTimesOutOnceAndTheBuildPasses() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, read by no one, never answered
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });

            BuildReport report = build(settings("http://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(500)));

            assertThat(report.status()).isEqualTo(BuildStatus.PASSED);
            assertThat(report.counts().passed()).isEqualTo(3);
            assertThat(warnings).singleElement().asString().contains("timed out after 500ms", "after 3 attempts");
            silent.close();
            acceptor.join();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aFailingServerIsAskedAtMostThreeTimesThenNoMore() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            BuildReport report = build(settings("http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(10)), 1);

            assertThat(report.status()).isEqualTo(BuildStatus.PASSED);
            assertThat(warnings).singleElement().asString().contains("answered 503", "after 3 attempts");
            assertThat(requests.get()).as("the first lookup and its 2 retries; then the server is left alone").isEqualTo(3);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRefusedTokenIsNotRetriedAndNamesTheVariable() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        server.start();
        try {
            BuildReport report = build(settings("http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(10)), 1);

            assertThat(report.status()).isEqualTo(BuildStatus.PASSED);
            assertThat(warnings).singleElement().asString().contains("answered 401", "MUNERO_REMOTE_CACHE_TOKEN")
                    .doesNotContain("attempts");
            assertThat(requests.get()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aFullServerStopsUploadsOnlyWithOneWarning() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders("PUT".equals(exchange.getRequestMethod()) ? 507 : 404, -1);
            exchange.close();
        });
        server.start();
        try {
            BuildReport report = build(settings("http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(10)));

            assertThat(report.status()).isEqualTo(BuildStatus.PASSED);
            assertThat(warnings).singleElement().asString().contains("answered 507", "no room", "uploads nothing more");
            assertThat(report.remoteCache().uploads()).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void uploadsStillRunningAreAwaitedOnlyUpToTheBound() throws Exception {
        CountDownLatch putArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            if ("PUT".equals(exchange.getRequestMethod())) {
                putArrived.countDown();
                try {
                    release.await(2, TimeUnit.MINUTES); // a slow upload
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            LocalCache local = new LocalCache(root.resolve("cache"));
            Path log = Files.writeString(root.resolve("log.txt"), "log\n");
            CacheEntry entry = local.store(new dev.munero.engine.cache.Fingerprint("s", List.of("true"), ".",
                    new java.util.TreeMap<>(), new java.util.TreeMap<>(), new java.util.TreeMap<>(), List.of()), root,
                    List.of(), log, 1);
            RemoteCache remote = new RemoteCache(settings("http://127.0.0.1:" + server.getAddress().getPort(),
                    Duration.ofMinutes(5)), local, warnings::add);

            remote.upload(entry);
            assertThat(putArrived.await(2, TimeUnit.MINUTES)).isTrue();
            RemoteCacheReport report = remote.finish(Duration.ofMillis(200));

            assertThat(report.unfinishedUploads()).isEqualTo(1);
            assertThat(warnings).singleElement().asString().contains("1 upload", "did not finish within 200ms", "abandoned");
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    private static RemoteCacheSettings settings(String url, Duration timeout) {
        return new RemoteCacheSettings(URI.create(url), RemoteCacheSettings.Mode.READWRITE,
                RemoteCacheSettings.Protocol.BAZEL, Optional.empty(), null, timeout, "test");
    }

    private BuildReport build(RemoteCacheSettings remote) throws Exception {
        return build(remote, 2);
    }

    private BuildReport build(RemoteCacheSettings remote, int jobs) throws Exception {
        Workspace ws = Workspace.open(root, ConfigLoader.DEFAULT_PROFILE);
        BuildOptions options = new BuildOptions(List.of(), jobs, false, false, true, false, root.resolve(".munero/cache"),
                root.resolve(".munero"), System.getenv(), null, Optional.of(remote));
        return new BuildEngine(ws.project(), ws.graph(), options, new BuildListener() {
            @Override
            public void warning(String message) {
                warnings.add(message);
            }
        }).build();
    }
}
