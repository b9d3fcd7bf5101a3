package dev.munero.engine.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.cache.Hashing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The digests a null-build manifest is found and checked by (the C checker computes the same bytes). */
class NullBuildTest {
    @Test
    void theRequestDigestIsTheWorkingDirectoryAndEachArgumentEachEndedByNul() {
        String digest = NullBuild.requestDigest(Path.of("/w/repo"), List.of("build", "-j", "4"));
        assertThat(digest).isEqualTo(Hashing.sha256("/w/repo\0build\0-j\0004\0"));
        assertThat(NullBuild.requestDigest(Path.of("/w/repo"), List.of("build", "-j4"))).isNotEqualTo(digest);
        assertThat(NullBuild.requestDigest(Path.of("/w/repo/sub"), List.of("build", "-j", "4"))).isNotEqualTo(digest);
    }

    @Test
    void theEnvironmentDigestSortsByBytesAndLeavesOutShellAndLauncherVariables() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("b", "2");
        env.put("PATH", "/bin");
        env.put("Zé", "x"); // by bytes: upper case before lower case
        env.put("a", "1");
        String digest = NullBuild.envDigest(env);
        assertThat(digest).isEqualTo(Hashing.hex(Hashing.sha256().digest(
                "PATH=/bin\0Zé=x\0a=1\0b=2\0".getBytes(StandardCharsets.UTF_8))));
        Map<String, String> noisy = new LinkedHashMap<>(env);
        NullBuild.IGNORED_ENV.forEach(name -> noisy.put(name, "anything"));
        noisy.put("JAVA_MAIN_CLASS_4242", "dev.munero.cli.DaemonClient"); // what macOS's java launcher adds
        assertThat(NullBuild.envDigest(noisy)).isEqualTo(digest);
        noisy.put("NODE_ENV", "production");
        assertThat(NullBuild.envDigest(noisy)).isNotEqualTo(digest);
    }
}
