package dev.munero.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceCacheTest {
    @TempDir
    Path repo;

    private void write(String rel, String text) throws IOException {
        Path p = repo.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** Ages every file and directory by a minute, so that none is within the racy-timestamp window. */
    private void age() throws IOException {
        FileTime past = FileTime.from(Instant.now().minusSeconds(60));
        try (Stream<Path> s = Files.walk(repo)) {
            for (Path p : s.toList()) {
                Files.setLastModifiedTime(p, past);
            }
        }
    }

    private void workspace() throws IOException {
        write("package.json", "{\"name\":\"root\",\"private\":true,\"workspaces\":[\"packages/*\"]}");
        write("packages/a/package.json", "{\"name\":\"a\",\"scripts\":{\"build\":\"true\"}}");
        age();
    }

    @Test
    void reusesADetectedWorkspaceWhileNoBuildFileChanged() throws Exception {
        workspace();
        WorkspaceCache cache = new WorkspaceCache();
        Workspace first = cache.open(repo, "development");
        assertThat(cache.open(repo, "development")).isSameAs(first);
        assertThat(cache.open(repo, "production")).isNotSameAs(first);
    }

    @Test
    void detectsAgainWhenAPackageIsAddedOrABuildFileEdited() throws Exception {
        workspace();
        WorkspaceCache cache = new WorkspaceCache();
        Workspace first = cache.open(repo, "development");
        write("packages/b/package.json", "{\"name\":\"b\",\"dependencies\":{\"a\":\"*\"},\"scripts\":{\"build\":\"true\"}}");
        Workspace second = cache.open(repo, "development");
        assertThat(second.graph().size()).isEqualTo(2);
        age();
        Workspace third = cache.open(repo, "development");
        assertThat(cache.open(repo, "development")).isSameAs(third);
        write("packages/a/package.json", "{\"name\":\"a\",\"scripts\":{\"build\":\"true\",\"test\":\"true\"}}");
        assertThat(cache.open(repo, "development").graph().indexOf("a:test")).isNotNegative();
        assertThat(first.graph().size()).isEqualTo(1);
    }

    @Test
    void aFreshlyWrittenFileIsNeverTrusted() throws Exception {
        write("munero.yaml", "steps:\n  - name: x\n    command: [\"true\"]\n");
        WorkspaceCache cache = new WorkspaceCache();
        Workspace first = cache.open(repo, "development");
        // written just now: its timestamp may not yet reflect a rewrite in the same tick, so it is read again
        assertThat(cache.open(repo, "development")).isNotSameAs(first);
    }

    @Test
    void creatingMuneroYamlReplacesTheDetectedGraph() throws Exception {
        workspace();
        WorkspaceCache cache = new WorkspaceCache();
        assertThat(cache.open(repo, "development").project().origin()).startsWith("auto-detected");
        write("munero.yaml", "steps:\n  - name: x\n    command: [\"true\"]\n");
        assertThat(cache.open(repo, "development").project().origin()).isEqualTo("munero.yaml");
    }
}
