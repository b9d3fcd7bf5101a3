package dev.munero.engine.cache.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.engine.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/** Where a build's remote cache settings come from, and how a wrong one is reported (issue 16). */
class RemoteCacheSettingsTest {
    @TempDir
    Path root;
    private final Path userFile = Path.of("/home/u/.config/munero/config.toml");

    private static JsonNode toml(String text) {
        return new TomlMapper().readTree(text);
    }

    private static final JsonNode NO_USER_CONFIG = toml("");

    @Test
    void nothingConfiguredMeansNoRemoteCache() throws Exception {
        assertThat(RemoteCacheSettings.resolve(root, null, Map.of(), NO_USER_CONFIG, userFile)).isEmpty();
    }

    @Test
    void muneroYamlWinsOverTheUserConfigAndTheFlagOverTheUrl() throws Exception {
        Files.writeString(root.resolve("munero.yaml"), """
                steps: []
                cache:
                  remote:
                    url: http://yaml.example:8080/
                    mode: read
                    protocol: turborepo
                    team: web
                    timeout: 2s
                """);
        JsonNode user = toml("[cache.remote]\nurl = \"http://user.example\"\n");

        RemoteCacheSettings s = RemoteCacheSettings.resolve(root, null, Map.of(), user, userFile).orElseThrow();
        assertThat(s.url()).hasToString("http://yaml.example:8080");
        assertThat(s.mode()).isEqualTo(RemoteCacheSettings.Mode.READ);
        assertThat(s.protocol()).isEqualTo(RemoteCacheSettings.Protocol.TURBOREPO);
        assertThat(s.team()).isEqualTo("web");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.source()).isEqualTo(root.resolve("munero.yaml") + ":3:3");

        RemoteCacheSettings flag = RemoteCacheSettings.resolve(root, "http://flag.example", Map.of(), user, userFile)
                .orElseThrow();
        assertThat(flag.url()).hasToString("http://flag.example");
        assertThat(flag.mode()).isEqualTo(RemoteCacheSettings.Mode.READ); // the rest still from munero.yaml
        assertThat(flag.source()).isEqualTo("--remote-cache");
    }

    @Test
    void theUserConfigServesEveryRepositoryWithoutItsOwn() throws Exception {
        JsonNode user = toml("[cache.remote]\nurl = \"http://user.example\"\nmode = \"write\"\n");

        RemoteCacheSettings s = RemoteCacheSettings.resolve(root, null, Map.of(), user, userFile).orElseThrow();

        assertThat(s.url()).hasToString("http://user.example");
        assertThat(s.mode()).isEqualTo(RemoteCacheSettings.Mode.WRITE);
        assertThat(s.protocol()).isEqualTo(RemoteCacheSettings.Protocol.BAZEL);
        assertThat(s.timeout()).isEqualTo(RemoteCacheSettings.DEFAULT_TIMEOUT);
        assertThat(s.source()).isEqualTo(userFile + " [cache.remote]");
    }

    @Test
    void theTokenVariableWinsAndTheTokenIsNeverShown() throws Exception {
        JsonNode user = toml("[cache.remote]\nurl = \"http://u.example\"\nprotocol = \"turborepo\"\ntoken = \"from-file\"\n");

        RemoteCacheSettings fromFile = RemoteCacheSettings.resolve(root, null, Map.of(), user, userFile).orElseThrow();
        RemoteCacheSettings fromTurbo = RemoteCacheSettings.resolve(root, null, Map.of("TURBO_TOKEN", "turbo-secret",
                "TURBO_TEAM", "team-x"), user, userFile).orElseThrow();
        RemoteCacheSettings fromMunero = RemoteCacheSettings.resolve(root, null, Map.of("TURBO_TOKEN", "turbo-secret",
                RemoteCacheSettings.TOKEN_VARIABLE, "munero-secret"), user, userFile).orElseThrow();

        assertThat(fromFile.token()).contains("from-file");
        assertThat(fromTurbo.token()).contains("turbo-secret");
        assertThat(fromTurbo.team()).isEqualTo("team-x");
        assertThat(fromMunero.token()).contains("munero-secret");
        assertThat(fromMunero.toString()).contains("with a token").doesNotContain("secret");
    }

    @Test
    void aWrongValueNamesWhereItIsWritten() throws Exception {
        JsonNode user = toml("[cache.remote]\nurl = \"http://u.example\"\nmode = \"sometimes\"\n");
        assertThatThrownBy(() -> RemoteCacheSettings.resolve(root, null, Map.of(), user, userFile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(userFile + " [cache.remote]: cache.remote.mode must be one of read, write, readwrite, not 'sometimes'");
        assertThatThrownBy(() -> RemoteCacheSettings.resolve(root, "ftp://x", Map.of(), NO_USER_CONFIG, userFile))
                .hasMessageContaining("--remote-cache: the remote cache URL must be http://");
        assertThatThrownBy(() -> RemoteCacheSettings.resolve(root, "http://me:pw@x", Map.of(), NO_USER_CONFIG, userFile))
                .hasMessageContaining("as a token (MUNERO_REMOTE_CACHE_TOKEN), not in the URL").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> RemoteCacheSettings.resolve(root, null, Map.of(), toml("[cache.remote]\nmode = \"read\"\n"),
                userFile)).hasMessageContaining("cache.remote has no url");

        Files.writeString(root.resolve("munero.yaml"), "steps: []\ncache:\n  remote:\n    url: http://x\n    mode: sometimes\n");
        assertThatThrownBy(() -> RemoteCacheSettings.resolve(root, null, Map.of(), NO_USER_CONFIG, userFile))
                .isInstanceOf(ConfigException.class).hasMessageContaining("munero.yaml:5").hasMessageContaining("mode");
    }

    @Test
    void theTurborepoUrlsCarryTheTeam() {
        RemoteCacheSettings s = new RemoteCacheSettings(java.net.URI.create("http://h:1/base"), RemoteCacheSettings.Mode.READWRITE,
                RemoteCacheSettings.Protocol.TURBOREPO, Optional.empty(), "my team", Duration.ofSeconds(1), "test");
        HttpStore store = new HttpStore(s);
        assertThat(store.uri(HttpStore.Kind.AC, "ab12")).hasToString("http://h:1/base/v8/artifacts/ab12?teamId=my+team");
        HttpStore bazel = new HttpStore(new RemoteCacheSettings(java.net.URI.create("http://h:1"),
                RemoteCacheSettings.Mode.READWRITE, RemoteCacheSettings.Protocol.BAZEL, Optional.empty(), null,
                Duration.ofSeconds(1), "test"));
        assertThat(bazel.uri(HttpStore.Kind.AC, "ab12")).hasToString("http://h:1/ac/ab12");
        assertThat(bazel.uri(HttpStore.Kind.CAS, "cd34")).hasToString("http://h:1/cas/cd34");
    }
}
