package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The launcher's C programs ({@code src/main/c}), compiled for a test as the launcher compiles them. */
final class NativePrograms {
    private NativePrograms() {
    }

    /**
     * Compiles {@code src/main/c/<source>} with {@code $CC} (default {@code cc}), warnings as errors, into
     * {@code dir/<name>}; skips the calling test (with what is missing) when there is no C compiler.
     *
     * @return the program
     */
    static Path compile(String source, Path dir, String name) throws Exception {
        String cc = System.getenv().getOrDefault("CC", "cc");
        Path out = dir.resolve(name);
        Process p;
        try {
            p = new ProcessBuilder(cc, "-O2", "-std=c99", "-Wall", "-Wextra", "-Werror", "-o", out.toString(),
                    Path.of("src/main/c", source).toAbsolutePath().toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no C compiler (" + cc + ") to build " + source + ": " + e.getMessage());
            return null;
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        return out;
    }
}
