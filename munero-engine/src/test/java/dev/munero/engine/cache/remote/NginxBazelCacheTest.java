package dev.munero.engine.cache.remote;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Bazel HTTP cache protocol against nginx from Debian with its WebDAV module (issue 16): entries under
 * {@code /ac/<key>}, blobs under {@code /cas/<sha256>}, as files of the server's root.
 */
class NginxBazelCacheTest extends RemoteCacheContractTest {
    private static CacheServers.Running server;

    @BeforeAll
    static void startNginx() throws Exception {
        assumeTrue(CacheServers.nginx() != null, "nginx is not installed (Debian: apt-get install nginx-light; "
                + ".ci/run installs it as root); the Bazel HTTP cache tests are skipped");
        server = CacheServers.startNginx(Files.createTempDirectory("munero-nginx-"));
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    RemoteCacheSettings settings() {
        return new RemoteCacheSettings(URI.create(server.url()), RemoteCacheSettings.Mode.READWRITE,
                RemoteCacheSettings.Protocol.BAZEL, Optional.empty(), null, RemoteCacheSettings.DEFAULT_TIMEOUT, "test");
    }

    @Override
    Path blobOnServer(String sha256) {
        return server.storage().resolve("cas").resolve(sha256);
    }
}
