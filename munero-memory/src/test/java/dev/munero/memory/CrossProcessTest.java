package dev.munero.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one process stores, another reads: the entries are in the file, not in a process's memory. */
class CrossProcessTest {
    @TempDir
    Path dir;

    @Test
    void entriesAChildJvmWritesAreReadAndSearchedByTheParent() throws Exception {
        Path db = dir.resolve(".munero/munero.db");
        try (MemoryBank parent = MemoryBank.open(db, Clock.systemUTC())) {
            parent.put(PutRequest.note("project", "shared", "parent wrote this"));

            // the parent keeps its connection open while the child writes
            String output = runChild(db, 20);

            assertThat(output).contains("wrote 20");
            assertThat(parent.list(Filter.namespace("run:child"), 100)).hasSize(20);
            Entry shared = parent.get("project", "shared").orElseThrow();
            assertThat(shared.version()).isEqualTo(2);
            assertThat(shared.author().agent()).isEqualTo("child-agent");
            assertThat(parent.search("child process", Filter.namespace("run:child"), 50).hits()).hasSize(20);
        }
        // and a fresh process-level open sees the same
        try (MemoryBank reopened = MemoryBank.open(db, Clock.systemUTC())) {
            assertThat(reopened.stats().entries()).isEqualTo(21);
            assertThat(reopened.get("run:child", "child/7").orElseThrow().author().task()).isEqualTo("t7");
        }
    }

    private static String runChild(Path db, int count) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), WriteEntries.class.getName(), db.toString(),
                Integer.toString(count)).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> copy(child.getInputStream(), output));
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("the child ended").isTrue();
        drain.join();
        String text = output.toString(StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(text).isZero();
        return text;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
