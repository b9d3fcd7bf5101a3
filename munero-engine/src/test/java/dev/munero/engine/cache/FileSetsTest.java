package dev.munero.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSetsTest {

    @TempDir
    Path root;

    private void files(String... paths) throws IOException {
        for (String p : paths) {
            Path f = root.resolve(p);
            Files.createDirectories(f.getParent());
            Files.writeString(f, p);
        }
    }

    private List<String> expand(String cwd, List<String> globs) throws IOException {
        return FileSets.expand(root, cwd, globs, List.of());
    }

    @Test
    void aNegatedOutputGlobKeepsItsFileAmongTheInputs() throws Exception {
        // issue 9.2: outputs [build/**, !/pkg/build/helper.js] leave the tracked helper an input
        files("pkg/src/a.js", "pkg/build/out.js", "pkg/build/helper.js");

        List<String> inputs = FileSets.expand(root, "pkg", List.of("**"), List.of("build/**", "!/pkg/build/helper.js"));

        assertThat(inputs).containsExactly("pkg/build/helper.js", "pkg/src/a.js");
        assertThat(expand("pkg", List.of("build/**", "!/pkg/build/helper.js"))).containsExactly("pkg/build/out.js");
    }

    @Test
    void matchAppliesTheGlobRulesToGivenPathsWithoutReadingTheDisk() {
        List<String> tracked = List.of("pkg/build/helper.js", "pkg/buildx/a.js", "pkg/src/a.js", "other/build/b.js", "pkg/out");

        assertThat(FileSets.match("pkg", List.of("build/**"), tracked)).containsExactly("pkg/build/helper.js");
        assertThat(FileSets.match("pkg", List.of("build/**", "!build/helper.js"), tracked)).isEmpty();
        assertThat(FileSets.match("pkg", List.of("out", "/other/build"), tracked)).containsExactly("other/build/b.js", "pkg/out");
    }

    @Test
    void turboAndNxCachesAreNeverWalked() throws Exception {
        // issue 9.5: turbo's .turbo/ logs invalidated every step
        files("pkg/a.js", "pkg/.turbo/turbo-build.log", "pkg/.nx/cache/x");

        assertThat(expand("pkg", List.of("**"))).containsExactly("pkg/a.js");
    }

    @Test
    void doubleStarSlashMatchesZeroOrMoreDirectories() throws Exception {
        // given
        files("src/Main.java", "src/a/b/C.java", "src/a/notes.md", "other/X.java", "Top.java");

        // when
        List<String> matched = expand(".", List.of("src/**/*.java"));

        // then
        assertThat(matched).containsExactly("src/Main.java", "src/a/b/C.java");
    }

    @Test
    void aLeadingDoubleStarMatchesFilesAtTheTopToo() throws Exception {
        // given
        files("Top.java", "src/Main.java", "README.md");

        // when
        List<String> matched = expand(".", List.of("**/*.java"));

        // then
        assertThat(matched).containsExactly("Top.java", "src/Main.java");
    }

    @Test
    void doubleStarSlashInTheMiddleMatchesZeroDirectoriesAtEachPlace() throws Exception {
        // given
        files("a/b/c.txt", "a/x/b/c.txt", "a/x/b/y/c.txt", "a/b/y/z/c.txt", "a/c.txt");

        // when
        List<String> matched = expand(".", List.of("a/**/b/**/c.txt"));

        // then
        assertThat(matched).containsExactly("a/b/c.txt", "a/b/y/z/c.txt", "a/x/b/c.txt", "a/x/b/y/c.txt");
    }

    @Test
    void aBangGlobExcludesWhatItMatches() throws Exception {
        // given
        files("src/App.js", "src/App.test.js", "src/util/fmt.js", "src/util/fmt.test.js");

        // when
        List<String> matched = expand(".", List.of("src/**", "!src/**/*.test.js"));

        // then
        assertThat(matched).containsExactly("src/App.js", "src/util/fmt.js");
    }

    @Test
    void excludeOrderDoesNotMatter() throws Exception {
        // given
        files("src/a.txt", "src/b.txt");

        // when
        List<String> matched = expand(".", List.of("!src/b.txt", "src/*"));

        // then
        assertThat(matched).containsExactly("src/a.txt");
    }

    @Test
    void theStepsOutputsAreLeftOutOfItsInputs() throws Exception {
        // given a step whose default inputs (everything) include its output directory
        files("web/src/page.mjs", "web/dist/index.html", "web/dist/assets/app.js");

        // when
        List<String> inputs = FileSets.expand(root, "web", List.of("**"), List.of("dist/**"));

        // then
        assertThat(inputs).containsExactly("web/src/page.mjs");
    }

    @Test
    void globsAreRelativeToTheCwdAndResultsToTheRoot() throws Exception {
        // given
        files("web/src/page.mjs", "src/Main.java");

        // when
        List<String> matched = expand("web", List.of("src/**"));

        // then
        assertThat(matched).containsExactly("web/src/page.mjs");
    }

    @Test
    void aLeadingSlashMakesAGlobRelativeToTheRootFromASubdirectoryCwd() throws Exception {
        // given
        files("build/greeting.txt", "web/build/greeting.txt", "web/src/page.mjs");

        // when
        List<String> matched = expand("web", List.of("src/**", "/build/greeting.txt"));

        // then
        assertThat(matched).containsExactly("build/greeting.txt", "web/src/page.mjs");
    }

    @Test
    void aRootedExcludeWorksFromASubdirectoryCwd() throws Exception {
        // given
        files("shared/a.json", "shared/secret.json");

        // when
        List<String> matched = expand("web", List.of("/shared/*.json", "!/shared/secret.json"));

        // then
        assertThat(matched).containsExactly("shared/a.json");
    }

    @Test
    void nodeModulesGitAndMuneroDirectoriesAreNeverWalked() throws Exception {
        // given
        files("index.js", "node_modules/dep/index.js", "pkg/node_modules/dep/index.js", ".git/HEAD",
                ".munero/cache/x", "pkg/.git/config", ".github/workflows/ci.yml");

        // when
        List<String> matched = expand(".", List.of("**"));

        // then
        assertThat(matched).containsExactly(".github/workflows/ci.yml", "index.js");
    }

    @Test
    void aGlobThatNamesNodeModulesLiterallyIsWalked() throws Exception {
        // given
        files("node_modules/dep/index.js", "node_modules/dep/lib/a.js");

        // when
        List<String> matched = expand(".", List.of("node_modules/dep/**"));

        // then
        assertThat(matched).containsExactly("node_modules/dep/index.js", "node_modules/dep/lib/a.js");
    }

    @Test
    void aLiteralFileNameMatchesThatFile() throws Exception {
        // given
        files("package.json", "web/package.json");

        // when / then
        assertThat(expand(".", List.of("package.json"))).containsExactly("package.json");
        assertThat(expand("web", List.of("package.json"))).containsExactly("web/package.json");
    }

    @Test
    void aGlobWhoseDirectoryDoesNotExistMatchesNothing() throws Exception {
        // given
        files("src/a.txt");

        // when / then
        assertThat(expand(".", List.of("missing/**", "nope.txt"))).isEmpty();
    }

    @Test
    void dotDotWithinTheRepositoryIsAllowed() throws Exception {
        // given
        files("shared/config.json", "web/src/page.mjs");

        // when
        List<String> matched = expand("web", List.of("../shared/*.json", "./src/*"));

        // then
        assertThat(matched).containsExactly("shared/config.json", "web/src/page.mjs");
    }

    @Test
    void dotDotAboveTheRootIsRejected() throws Exception {
        // given
        files("web/src/page.mjs");

        // when / then
        assertThatThrownBy(() -> expand("web", List.of("../../etc/passwd")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("climbs above the repository root");
        assertThatThrownBy(() -> expand(".", List.of("/../x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("climbs above the repository root");
    }

    @Test
    void overlappingGlobsGiveEachFileOnceInSortedOrder() throws Exception {
        // given
        files("b.txt", "a/z.txt", "a.txt");

        // when
        List<String> matched = expand(".", List.of("**/*.txt", "a.txt", "a/**"));

        // then
        assertThat(matched).containsExactly("a.txt", "a/z.txt", "b.txt");
    }

    @Test
    void aSymlinkToAFileIsAFileAndADanglingOneIsKept() throws Exception {
        // given
        files("real.txt");
        Files.createSymbolicLink(root.resolve("link.txt"), root.resolve("real.txt"));
        Files.createSymbolicLink(root.resolve("dangling.txt"), root.resolve("gone.txt"));

        // when
        List<String> matched = expand(".", List.of("*.txt"));

        // then
        assertThat(matched).containsExactly("dangling.txt", "link.txt", "real.txt");
    }

    @Test
    void aSymlinkToADirectoryIsNotReturnedAsAFile() throws Exception {
        // given: every returned path must be hashable as a file
        files("lib/a.txt");
        Files.createSymbolicLink(root.resolve("current"), root.resolve("lib"));

        // when
        List<String> matched = expand(".", List.of("**"));

        // then
        assertThat(matched).containsExactly("lib/a.txt");
        for (String rel : matched) {
            Hashing.sha256(root.resolve(rel));
        }
    }

    @Test
    void aBareDirectoryNameMeansEverythingUnderIt(@org.junit.jupiter.api.io.TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("web/src/deep"));
        Files.writeString(repo.resolve("web/src/a.js"), "a");
        Files.writeString(repo.resolve("web/src/deep/b.js"), "b");
        Files.writeString(repo.resolve("web/other.js"), "c");
        assertThat(FileSets.expand(repo, "web", List.of("src"), List.of())).containsExactly("web/src/a.js", "web/src/deep/b.js");
        assertThat(FileSets.expand(repo, ".", List.of("/web/src/"), List.of("web/src/deep/**")))
                .containsExactly("web/src/a.js");
    }
}
