package dev.munero.engine.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoTreeTest {

    @TempDir
    Path root;

    @Test
    void recordsWantedFilesShallowestFirstThenByPath() throws Exception {
        // given
        TestRepo repo = new TestRepo(root);
        for (String f : List.of("b/x/pom.xml", "b/pom.xml", "a/pom.xml", "pom.xml", "a/other.txt")) {
            repo.file(f, "");
        }

        // when
        RepoTree tree = RepoTree.scan(root, Set.of("pom.xml"));

        // then
        assertThat(tree.files("pom.xml")).extracting(RelPaths::str)
                .containsExactly("pom.xml", "a/pom.xml", "b/pom.xml", "b/x/pom.xml");
        assertThat(tree.files("other.txt")).isEmpty();
        assertThat(tree.dirs()).extracting(RelPaths::str).containsExactly(".", "a", "b", "b/x");
    }

    @Test
    void skipsToolDependencyAndOutputDirectoriesHiddenDirectoriesAndDeepOnes() throws Exception {
        // given
        TestRepo repo = new TestRepo(root);
        for (String dir : RepoTree.SKIPPED_DIRS) {
            repo.file("src/" + dir + "/go.mod", "");
        }
        repo.file(".github/go.mod", "");
        repo.file("1/2/3/4/5/6/go.mod", "");
        repo.file("1/2/3/4/5/6/7/go.mod", "");

        // when
        RepoTree tree = RepoTree.scan(root, Set.of("go.mod"));

        // then
        assertThat(tree.files("go.mod")).extracting(RelPaths::str).containsExactly("1/2/3/4/5/6/go.mod");
    }

    @Test
    void doesNotFollowSymbolicLinksToDirectories() throws Exception {
        // given a link that would make the walk loop
        new TestRepo(root).file("real/go.mod", "");
        Files.createSymbolicLink(root.resolve("real/loop"), root);

        // when
        RepoTree tree = RepoTree.scan(root, Set.of("go.mod"));

        // then
        assertThat(tree.files("go.mod")).extracting(RelPaths::str).containsExactly("real/go.mod");
    }
}
