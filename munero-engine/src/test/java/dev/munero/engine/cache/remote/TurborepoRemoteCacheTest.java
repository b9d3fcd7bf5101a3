package dev.munero.engine.cache.remote;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Turborepo remote cache API against {@code turborepo-remote-cache} 2.12.0 from npm with local storage (issue 16):
 * {@code /v8/artifacts/<hash>?teamId=<team>} with a bearer token; it keeps each artifact as {@code <store>/<team>/<hash>}.
 */
class TurborepoRemoteCacheTest extends RemoteCacheContractTest {
    static final String TOKEN = "test-token-" + System.nanoTime();
    private static CacheServers.Running server;

    @BeforeAll
    static void startServer() throws Exception {
        assumeTrue(CacheServers.turborepoCacheScript() != null, "turborepo-remote-cache is not installed in "
                + CacheServers.TURBO_CACHE_PREFIX + " (.ci/run installs it: npm install --prefix that folder "
                + "turborepo-remote-cache@2.12.0); the Turborepo remote cache tests are skipped");
        assumeTrue(!run(Path.of("."), "node", "--version").isEmpty(), "node is not on the PATH");
        server = CacheServers.startTurborepoCache(Files.createTempDirectory("munero-turbo-cache-"), TOKEN);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    RemoteCacheSettings settings() {
        return new RemoteCacheSettings(URI.create(server.url()), RemoteCacheSettings.Mode.READWRITE,
                RemoteCacheSettings.Protocol.TURBOREPO, Optional.of(TOKEN), "team-a", RemoteCacheSettings.DEFAULT_TIMEOUT,
                "test");
    }

    @Override
    Path blobOnServer(String sha256) {
        return server.storage().resolve("team-a").resolve(sha256);
    }
}
