package dev.munero.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9.7: the workspace root is searched upward from where munero runs, as git, turbo and nx do. */
class WorkspaceRootTest {
    @TempDir
    Path tmp;

    private Path write(String rel, String text) throws Exception {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private Path dir(String rel) throws Exception {
        return Files.createDirectories(tmp.resolve(rel));
    }

    @Test
    void fromInsideAnNpmWorkspacePackageTheRootIsTheWorkspaceTop() throws Exception {
        write("repo/package.json", "{\"private\":true,\"workspaces\":[\"packages/*\"]}");
        write("repo/packages/b/package.json", "{\"name\":\"b\"}"); // a package.json without workspaces is no root
        dir("repo/.git");

        WorkspaceRoot w = WorkspaceRoot.find(dir("repo/packages/b/src"));

        assertThat(w.root()).isEqualTo(tmp.resolve("repo"));
        assertThat(w.startRelative()).isEqualTo("packages/b/src");
        assertThat(w.reason()).isEqualTo("package.json workspaces");
    }

    @Test
    void fromASubfolderOfAMuneroYamlProjectTheRootHoldsTheMuneroYaml() throws Exception {
        write("proj/munero.yaml", "steps: []\n");

        WorkspaceRoot w = WorkspaceRoot.find(dir("proj/src/main/java"));

        assertThat(w.root()).isEqualTo(tmp.resolve("proj"));
        assertThat(w.reason()).isEqualTo("munero.yaml");
    }

    @Test
    void fromAMavenModuleTheRootIsTheOutermostReactorThatListsIt() throws Exception {
        write("r/pom.xml", "<project><modules><module>libs</module></modules></project>");
        write("r/libs/pom.xml", "<project><modules><module>core</module></modules></project>");
        write("r/libs/core/pom.xml", "<project><artifactId>core</artifactId></project>");
        write("r/unlisted/pom.xml", "<project><artifactId>unlisted</artifactId></project>");
        dir("r/.git");

        assertThat(WorkspaceRoot.find(dir("r/libs/core/src")).root()).isEqualTo(tmp.resolve("r"));
        // a pom.xml the parent does not list is not part of its reactor; git's top-level is the fallback
        WorkspaceRoot unlisted = WorkspaceRoot.find(tmp.resolve("r/unlisted"));
        assertThat(unlisted.root()).isEqualTo(tmp.resolve("r"));
        assertThat(unlisted.reason()).isEqualTo("git top-level");
    }

    @Test
    void theSearchNeverGoesAboveTheGitTopLevel() throws Exception {
        write("outer/package.json", "{\"workspaces\":[\"inner/*\"]}");
        dir("outer/inner/.git");

        WorkspaceRoot w = WorkspaceRoot.find(dir("outer/inner/sub"));

        assertThat(w.root()).isEqualTo(tmp.resolve("outer/inner"));
        assertThat(w.reason()).isEqualTo("git top-level");
    }

    @Test
    void theNearestMarkerWinsAndEachKindOfWorkspaceIsRecognised() throws Exception {
        for (String[] marker : new String[][] {{"pnpm-workspace.yaml", "packages: ['*']"}, {"turbo.json", "{}"},
                {"nx.json", "{}"}, {"go.work", "go 1.22"}, {"settings.gradle.kts", "include(\"a\")"},
                {"Cargo.toml", "[workspace]\nmembers = [\"a\"]"}}) {
            Path root = dir("kinds/" + marker[0]);
            write("kinds/" + marker[0] + "/" + marker[0], marker[1]);
            dir("kinds/" + marker[0] + "/.git");

            assertThat(WorkspaceRoot.find(dir("kinds/" + marker[0] + "/a/b")).root()).as(marker[0]).isEqualTo(root);
        }
        // a crate's own Cargo.toml is not a workspace
        write("crate/Cargo.toml", "[package]\nname = \"c\"");
        dir("crate/.git");
        assertThat(WorkspaceRoot.find(dir("crate/src")).reason()).isEqualTo("git top-level");
    }

    @Test
    void outsideGitWithNoMarkerTheStartIsTheRootAndUnreadableFilesAreNoMarkers() throws Exception {
        write("plain/package.json", "{ not json, \"workspaces\"");
        write("plain/pom.xml", "<project><modules><module>sub</module></project>");

        WorkspaceRoot w = WorkspaceRoot.find(dir("plain/sub"));

        assertThat(w.root()).isEqualTo(tmp.resolve("plain/sub"));
        assertThat(w.startRelative()).isEqualTo(".");
    }
}
