package dev.munero.engine.cache.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.cache.Hashing;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Values under keys of their own (issue 16.2, completed model calls) on nginx WebDAV as a Bazel HTTP cache. */
class RemoteValuesTest {
    private static CacheServers.Running server;

    @BeforeAll
    static void startNginx() throws Exception {
        assumeTrue(CacheServers.nginx() != null, "nginx is not installed (Debian: apt-get install nginx-light; "
                + ".ci/run installs it as root); the remote values tests are skipped");
        server = CacheServers.startNginx(Files.createTempDirectory("munero-values-nginx-"));
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static RemoteValues values(RemoteCacheSettings.Mode mode) {
        return new RemoteValues(new RemoteCacheSettings(URI.create(server.url()), mode,
                RemoteCacheSettings.Protocol.BAZEL, Optional.empty(), null, RemoteCacheSettings.DEFAULT_TIMEOUT, "test"));
    }

    @Test
    void aValuePutUnderAKeyIsReadBackVerifiedAndAMissingKeyIsEmpty() {
        RemoteValues v = values(RemoteCacheSettings.Mode.READWRITE);
        String key = Hashing.sha256("call 1");
        byte[] value = "{\"response\":1}".getBytes(StandardCharsets.UTF_8);

        v.put(key, value);

        assertThat(v.get(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(value));
        assertThat(server.storage().resolve("cas").resolve(Hashing.hex(Hashing.sha256().digest(value)))).exists();
        assertThat(v.get(Hashing.sha256("never stored"))).isEmpty();
    }

    @Test
    void aDamagedValueIsNotTrusted() throws Exception {
        RemoteValues v = values(RemoteCacheSettings.Mode.READWRITE);
        String key = Hashing.sha256("call 2");
        byte[] value = "{\"response\":2}".getBytes(StandardCharsets.UTF_8);
        v.put(key, value);
        Files.writeString(server.storage().resolve("cas").resolve(Hashing.hex(Hashing.sha256().digest(value))),
                "{\"response\":3}");

        assertThatThrownBy(() -> v.get(key)).isInstanceOf(RemoteValues.Unavailable.class)
                .hasMessageContaining("does not hash to");
    }

    @Test
    void readModeNeverWritesAndWriteModeNeverReads() {
        String key = Hashing.sha256("call 3");
        values(RemoteCacheSettings.Mode.READ).put(key, new byte[] {1});
        assertThat(values(RemoteCacheSettings.Mode.READWRITE).get(key)).isEmpty();

        values(RemoteCacheSettings.Mode.WRITE).put(key, new byte[] {1});
        assertThat(values(RemoteCacheSettings.Mode.WRITE).get(key)).isEmpty();
        assertThat(values(RemoteCacheSettings.Mode.READWRITE).get(key)).isPresent();
    }

    @Test
    void aKeyThatIsNotASha256IsRefused() {
        assertThatThrownBy(() -> values(RemoteCacheSettings.Mode.READWRITE).get("../etc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 lower-case hex");
    }
}
