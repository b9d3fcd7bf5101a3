package dev.munero.agent.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathGuardTest {
    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private PathGuard guard;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(temp.resolve("ws")).toRealPath();
        outside = Files.createDirectories(temp.resolve("outside")).toRealPath();
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createDirectories(root.resolve("src"));
        Files.writeString(root.resolve("src/A.java"), "class A {}");
        guard = new PathGuard(root);
    }

    @Test
    void resolvesRelativePathsInsideTheWorkspaceIncludingOnesThatDoNotExistYet() throws Exception {
        assertThat(guard.resolve("src/A.java")).isEqualTo(root.resolve("src/A.java"));
        assertThat(guard.resolve("new/dir/B.java")).isEqualTo(root.resolve("new/dir/B.java"));
        assertThat(guard.resolve("src/../README.md")).isEqualTo(root.resolve("README.md"));
        assertThat(guard.resolve("")).isEqualTo(root);
        assertThat(guard.resolve(".")).isEqualTo(root);
    }

    @Test
    void rejectsDotDotEscapesNamingThePathAndTheWorkspace() {
        assertThatThrownBy(() -> guard.resolve("../outside/secret.txt"))
                .isInstanceOf(PathEscapeException.class)
                .hasMessageContaining("'../outside/secret.txt'")
                .hasMessageContaining(root.toString());
        assertThatThrownBy(() -> guard.resolve("src/../../outside")).isInstanceOf(PathEscapeException.class);
        assertThatThrownBy(() -> guard.resolve("..")).isInstanceOf(PathEscapeException.class);
    }

    @Test
    void acceptsAbsolutePathsInsideTheWorkspaceAndRejectsOthers() throws Exception {
        assertThat(guard.resolve(root.resolve("src/A.java").toString())).isEqualTo(root.resolve("src/A.java"));
        assertThatThrownBy(() -> guard.resolve("/etc/passwd"))
                .isInstanceOf(PathEscapeException.class).hasMessageContaining("outside the workspace");
        assertThatThrownBy(() -> guard.resolve(outside.resolve("secret.txt").toString()))
                .isInstanceOf(PathEscapeException.class);
    }

    @Test
    void rejectsASymbolicLinkToAFileOutside() throws Exception {
        Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("secret.txt"));

        assertThatThrownBy(() -> guard.resolve("link.txt"))
                .isInstanceOf(PathEscapeException.class)
                .hasMessageContaining("symbolic link")
                .hasMessageContaining(outside.resolve("secret.txt").toString());
    }

    @Test
    void rejectsPathsUnderASymlinkedParentDirectoryEvenWhenTheFileDoesNotExistYet() throws Exception {
        Files.createSymbolicLink(root.resolve("out"), outside);

        assertThatThrownBy(() -> guard.resolve("out/secret.txt")).isInstanceOf(PathEscapeException.class);
        assertThatThrownBy(() -> guard.resolveForWrite("out/new/file.txt")).isInstanceOf(PathEscapeException.class);
    }

    @Test
    void rejectsADanglingLinkWhoseTargetWouldBeCreatedOutside() throws Exception {
        Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("created-by-write.txt"));

        assertThatThrownBy(() -> guard.resolveForWrite("dangling")).isInstanceOf(PathEscapeException.class);
    }

    @Test
    void followsLinksThatStayInsideToTheirRealTarget() throws Exception {
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("src"));

        assertThat(guard.resolve("alias/A.java")).isEqualTo(root.resolve("src/A.java"));
    }

    @Test
    void acceptsAbsolutePathsSpelledThroughALinkToTheWorkspace() throws Exception {
        Path linkToRoot = Files.createSymbolicLink(temp.resolve("ws-link"), root);
        PathGuard viaLink = new PathGuard(linkToRoot);

        assertThat(viaLink.root()).isEqualTo(root);
        assertThat(viaLink.resolve(linkToRoot.resolve("src/A.java").toString())).isEqualTo(root.resolve("src/A.java"));
    }

    @Test
    void neverAllowsWritingInsideGitButAllowsReadingIt() throws Exception {
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), "[core]");

        assertThat(guard.resolve(".git/config")).isEqualTo(root.resolve(".git/config"));
        assertThatThrownBy(() -> guard.resolveForWrite(".git/config"))
                .isInstanceOf(PathEscapeException.class).hasMessageContaining(".git");
        assertThatThrownBy(() -> guard.resolveForWrite("vendor/lib/.git/hooks/pre-commit"))
                .isInstanceOf(PathEscapeException.class);
        assertThat(guard.resolveForWrite(".gitignore")).isEqualTo(root.resolve(".gitignore"));
    }

    @Test
    void rejectsMalformedPaths() {
        assertThatThrownBy(() -> guard.resolve("a\0b")).isInstanceOf(PathEscapeException.class)
                .hasMessageContaining("invalid path");
    }

    @Test
    void displaysPathsRelativeToTheWorkspace() throws Exception {
        assertThat(guard.display(guard.resolve("src/A.java"))).isEqualTo("src/A.java");
        assertThat(guard.display(root)).isEqualTo(".");
    }
}
