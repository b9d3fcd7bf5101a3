package dev.munero.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FingerprintTest {
    static final String DEP_KEY = "a".repeat(64);

    /** The parts of a fingerprint as StepWorker gathers them: env values and file contents as SHA-256. */
    static final class Parts {
        String step = "web:build";
        List<String> argv = List.of("npm", "run", "build");
        String cwd = "web";
        TreeMap<String, String> env = new TreeMap<>(Map.of("NODE_ENV", Hashing.sha256("production"), "CI", Fingerprint.UNSET));
        TreeMap<String, String> inputs = new TreeMap<>(Map.of("web/src/a.js", Hashing.sha256("a"), "web/src/b.js", Hashing.sha256("b")));
        TreeMap<String, String> dependencies = new TreeMap<>(Map.of("gen", DEP_KEY));
        List<String> outputs = List.of("dist/**");

        Fingerprint build() {
            return new Fingerprint(step, argv, cwd, env, inputs, dependencies, outputs);
        }
    }

    static Fingerprint base() {
        return new Parts().build();
    }

    static Fingerprint changed(Consumer<Parts> change) {
        Parts p = new Parts();
        change.accept(p);
        return p.build();
    }

    @Test
    void theKeyIsStableAcrossRunsAndMachines() {
        // given the same parts as every run computes them

        // when
        String key = base().key();

        // then: the value was computed independently from the documented encoding (each part as
        // "<utf-8 length>:<bytes>", FORMAT first). A new value means every existing cache entry stops matching:
        // change the encoding only on purpose, then bump Fingerprint.FORMAT and this value
        assertThat(key).isEqualTo("65e9a6b009062741bec3dd5b779b7ac891c02993afe533fc9ce532e479d9a256");
        assertThat(key).matches("[0-9a-f]{64}");
    }

    @Test
    void theKeyDoesNotDependOnTheOrderOfTheMapsPassedIn() {
        // given the same parts held in maps with another order
        Fingerprint reordered = changed(p -> {
            TreeMap<String, String> env = new TreeMap<>(java.util.Comparator.reverseOrder());
            env.putAll(p.env);
            p.env = env;
        });

        // when / then
        assertThat(reordered.key()).isEqualTo(base().key());
        assertThat(reordered).isEqualTo(base());
        assertThat(reordered.env().keySet()).containsExactly("CI", "NODE_ENV");
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("step name", changed(p -> p.step = "web:test")),
                Arguments.of("argv", changed(p -> p.argv = List.of("npm", "run", "build:prod"))),
                Arguments.of("argv split differently", changed(p -> p.argv = List.of("npm", "run build"))),
                Arguments.of("cwd", changed(p -> p.cwd = ".")),
                Arguments.of("env value", changed(p -> p.env.put("NODE_ENV", Hashing.sha256("development")))),
                Arguments.of("env var now set", changed(p -> p.env.put("CI", Hashing.sha256("")))),
                Arguments.of("env var declared", changed(p -> p.env.put("HOME", Fingerprint.UNSET))),
                Arguments.of("input content", changed(p -> p.inputs.put("web/src/a.js", Hashing.sha256("a2")))),
                Arguments.of("input renamed", changed(p -> p.inputs.put("web/src/c.js", p.inputs.remove("web/src/a.js")))),
                Arguments.of("input added", changed(p -> p.inputs.put("web/src/new.js", Hashing.sha256("")))),
                Arguments.of("dependency key", changed(p -> p.dependencies.put("gen", "b".repeat(64)))),
                Arguments.of("dependency added", changed(p -> p.dependencies.put("lint", DEP_KEY))),
                Arguments.of("outputs", changed(p -> p.outputs = List.of("dist/**", "build/**"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void theKeyChangesWithEachPart(String part, Fingerprint changed) {
        assertThat(changed.key()).as(part).isNotEqualTo(base().key());
    }

    @Test
    void equalFingerprintsHaveNoDifferences() {
        assertThat(base().differencesFrom(base())).isEmpty();
    }

    @Test
    void differencesNameTheChangedInputEnvVarAndDependency() {
        // given
        Fingerprint previous = base();
        Fingerprint now = changed(p -> {
            p.env.put("NODE_ENV", Hashing.sha256("development"));
            p.inputs.put("web/src/a.js", Hashing.sha256("a2"));
            p.inputs.remove("web/src/b.js");
            p.dependencies.put("gen", "b".repeat(64));
            p.dependencies.put("lint", DEP_KEY);
        });

        // when
        List<String> reasons = now.differencesFrom(previous);

        // then
        assertThat(reasons).containsExactly(
                "env var NODE_ENV changed",
                "input web/src/a.js changed",
                "input web/src/b.js removed",
                "dependency gen changed (its cache key is new)",
                "dependency lint added");
    }

    @Test
    void differencesNameTheCommandCwdAndOutputsWithTheirOldValues() {
        // given
        Fingerprint previous = base();
        Fingerprint now = changed(p -> {
            p.argv = List.of("pnpm", "build");
            p.cwd = ".";
            p.env.put("HOME", Fingerprint.UNSET);
            p.inputs.put("web/src/c.js", Hashing.sha256("c"));
            p.dependencies.remove("gen");
            p.outputs = List.of("out/**");
        });

        // when
        List<String> reasons = now.differencesFrom(previous);

        // then
        assertThat(reasons).containsExactly(
                "command changed: was 'npm run build'",
                "cwd changed: was 'web'",
                "env var HOME added",
                "input web/src/c.js added",
                "dependency gen removed",
                "outputs changed: were [dist/**]");
    }

    @Test
    void envValuesAreNeverStoredOrShownInClear(@TempDir Path dir) throws Exception {
        // given a step with a secret in its environment, fingerprinted as documented (value hashes only)
        String secret = "hunter2-s3cr3t";
        Fingerprint before = new Fingerprint("deploy", List.of("deploy"), ".",
                new TreeMap<>(Map.of("TOKEN", Hashing.sha256(secret))), new TreeMap<>(), new TreeMap<>(), List.of());
        Fingerprint after = new Fingerprint("deploy", List.of("deploy"), ".",
                new TreeMap<>(Map.of("TOKEN", Hashing.sha256(secret + "-rotated"))), new TreeMap<>(), new TreeMap<>(), List.of());
        Path log = Files.writeString(dir.resolve("log.txt"), "deployed\n");
        LocalCache cache = new LocalCache(dir.resolve("cache"));

        // when
        CacheEntry entry = cache.store(before, dir, List.of(), log, 1);
        String stored = Files.readString(cache.entryPath(entry.key()));
        List<String> reasons = after.differencesFrom(before);

        // then
        assertThat(stored).contains("TOKEN").doesNotContain(secret);
        assertThat(String.join("\n", reasons)).isEqualTo("env var TOKEN changed").doesNotContain(secret);
        assertThat(cache.lookup(entry.key())).map(CacheEntry::fingerprint).contains(before);
    }
}
