package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.ExampleRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that make {@code .munero/} in a git repository keep it out of {@code git status}, as {@code munero run}
 * does: they add it to {@code .git/info/exclude}, never to {@code .gitignore}. Real git, real files.
 */
class StateDirectoryIgnoredTest {
    @TempDir
    Path repo;

    @BeforeEach
    void aCommittedRepository() throws Exception {
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: greet
                    command: "echo hello"
                    shell: true
                """);
        Files.createDirectories(repo.resolve("sub"));
        Files.writeString(repo.resolve("sub/notes.txt"), "a file\n");
        ExampleRepos.committed(repo);
    }

    private Cli.Result munero(String... args) {
        return Cli.run(repo, Map.of("HOME", repo.toString(), "USER", "ada", "PATH",
                System.getenv().getOrDefault("PATH", "/usr/bin:/bin")), args);
    }

    @Test
    void memoryPutKeepsGitStatusCleanByExcludingTheStateDirectory() throws Exception {
        Cli.Result put = munero("memory", "put", "build/tests", "mvn verify");
        assertThat(put.exitCode()).as("%s", put).isZero();
        assertThat(repo.resolve(".munero/munero.db")).exists();
        assertThat(ExampleRepos.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(repo.resolve(".git/info/exclude")).content().contains("/.munero/");
        assertThat(repo.resolve(".gitignore")).doesNotExist();
        // a second put adds no second line
        assertThat(munero("memory", "put", "build/lint", "mvn spotless:check").exitCode()).isZero();
        assertThat(Files.readAllLines(repo.resolve(".git/info/exclude")).stream().filter("/.munero/"::equals))
                .hasSize(1);
    }

    @Test
    void memoryPutInASubdirectoryExcludesThatDirectorysStateDirectory() throws Exception {
        Cli.Result put = munero("memory", "put", "-C", "sub", "k", "v");
        assertThat(put.exitCode()).as("%s", put).isZero();
        assertThat(repo.resolve("sub/.munero/munero.db")).exists();
        assertThat(ExampleRepos.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(repo.resolve(".git/info/exclude")).content().contains("/sub/.munero/");
    }

    @Test
    void memoryImportKeepsGitStatusClean(@TempDir Path elsewhere) throws Exception {
        // given entries exported from a repository that is not this one
        Map<String, String> env = Map.of("HOME", elsewhere.toString(), "USER", "ada");
        assertThat(Cli.run(elsewhere, env, "memory", "put", "k", "v").exitCode()).isZero();
        assertThat(Cli.run(elsewhere, env, "memory", "export", "out").exitCode()).isZero();

        Cli.Result imported = munero("memory", "import", elsewhere.resolve("out").toString());

        assertThat(imported.exitCode()).as("%s", imported).isZero();
        assertThat(ExampleRepos.git(repo, "status", "--porcelain")).isEmpty();
    }

    @Test
    void buildKeepsGitStatusCleanByExcludingTheStateDirectory() throws Exception {
        Cli.Result build = munero("build");
        assertThat(build.exitCode()).as("%s", build).isZero();
        assertThat(repo.resolve(".munero")).isDirectory();
        assertThat(ExampleRepos.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(repo.resolve(".git/info/exclude")).content().contains("/.munero/");
    }
}
