package dev.munero.core.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.core.config.SettingsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** munero.yaml's {@code agents:} list (issue 14): what is read, and errors that name the line and what to do. */
class AgentProfilesTest {
    @TempDir
    Path repo;

    private void yaml(String agents) throws IOException {
        Files.writeString(repo.resolve("munero.yaml"), "steps:\n  - name: test\n    command: \"true\"\n" + agents,
                StandardCharsets.UTF_8);
    }

    @Test
    void aRepositoryWithoutMuneroYamlOrAgentsHasTheDefaultProfileOnly() throws Exception {
        assertThat(AgentProfiles.load(repo)).containsExactly(AgentProfile.DEFAULT);
        yaml("run:\n  agents: 2\n");
        assertThat(AgentProfiles.load(repo)).containsExactly(AgentProfile.DEFAULT);
    }

    @Test
    void readsEachProfileWithItsLineAndDefaults() throws Exception {
        yaml("""
                agents:
                  - name: planner
                    role: planner
                    model: anthropic:claude-opus-4-1
                  - name: coder-1
                    role: coder
                    skills: [java, parser]
                    max_concurrent: 2
                  - name: tester
                    role: tester
                    tools: [read_file, run_command, memory_search, mcp__fs__read]
                """);
        List<AgentProfile> profiles = AgentProfiles.load(repo);
        assertThat(profiles).extracting(AgentProfile::name).containsExactly("planner", "coder-1", "tester");
        assertThat(profiles.get(0).model()).isEqualTo("anthropic:claude-opus-4-1");
        assertThat(profiles.get(0).source()).isEqualTo("munero.yaml:5");
        assertThat(profiles.get(1)).isEqualTo(new AgentProfile("coder-1", "coder", null, List.of(),
                List.of("java", "parser"), 2, "munero.yaml:8"));
        assertThat(profiles.get(2).maxConcurrent()).isEqualTo(1);
        assertThat(profiles.get(2).allows("run_command")).isTrue();
        assertThat(profiles.get(2).allows("write_file")).isFalse();
        assertThat(AgentProfiles.taskRoles(profiles)).containsExactly("coder", "tester");
    }

    @Test
    void aDuplicateNameIsAnErrorAtItsLineNamingTheFirst() throws Exception {
        yaml("agents:\n  - name: coder\n    role: coder\n  - name: coder\n    role: tester\n");
        assertThatThrownBy(() -> AgentProfiles.load(repo)).isInstanceOf(SettingsException.class)
                .hasMessage("munero.yaml:7: agents[1] (coder).name: the name is already used by the profile at "
                        + "munero.yaml:5; give every profile its own name (e.g. coder-1, coder-2)");
    }

    @Test
    void anUnknownToolIsAnErrorAtItsLineListingTheTools() throws Exception {
        yaml("agents:\n  - name: coder\n    role: coder\n    tools: [read_file, rm_rf]\n");
        assertThatThrownBy(() -> AgentProfiles.load(repo)).isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("munero.yaml:7: agents[0] (coder).tools: no tool is named 'rm_rf'; the tools "
                        + "are ").hasMessageContaining("edit_file").hasMessageContaining("memory_store")
                .hasMessageEndingWith("and MCP tools as mcp__SERVER__TOOL");
    }

    @Test
    void badValuesAreErrorsWithTheirLine() throws Exception {
        yaml("agents:\n  - name: coder\n    role: coder\n    max_concurrent: 0\n");
        assertThatThrownBy(() -> AgentProfiles.load(repo)).hasMessageContaining("munero.yaml:7")
                .hasMessageContaining("max_concurrent");
        yaml("agents:\n  - name: coder\n    role: Coder Two\n");
        assertThatThrownBy(() -> AgentProfiles.load(repo)).hasMessageContaining("munero.yaml:6")
                .hasMessageContaining("a role is one lower-case word");
        yaml("agents:\n  - name: coder\n    role: coder\n    model: gpt-5\n");
        assertThatThrownBy(() -> AgentProfiles.load(repo)).hasMessage("munero.yaml:7: agents[0] (coder).model: model "
                + "'gpt-5' has no provider; write provider:model, e.g. anthropic:gpt-5 or openai:gpt-5");
        yaml("agents:\n  - name: coder\n    colour: red\n    role: coder\n");
        assertThatThrownBy(() -> AgentProfiles.load(repo)).hasMessageContaining("munero.yaml:6")
                .hasMessageContaining("unknown field 'colour'");
        yaml("agents:\n  - name: lead\n    role: planner\n");
        assertThatThrownBy(() -> AgentProfiles.load(repo)).hasMessageContaining("no profile takes tasks");
    }

    @Test
    void aProfilesWorkerIsReadAndAnUnknownWorkerIsAnErrorAtItsLine() throws Exception { // issue 15
        yaml("agents:\n  - name: claude\n    role: coder\n    worker: claude-code\n  - name: coder\n    role: coder\n");
        List<AgentProfile> profiles = AgentProfiles.load(repo);
        assertThat(profiles.get(0).worker()).isEqualTo("claude-code");
        assertThat(profiles.get(0).workerOr("agent")).isEqualTo("claude-code");
        assertThat(profiles.get(1).worker()).isNull();
        assertThat(profiles.get(1).workerOr("codex")).isEqualTo("codex");
        yaml("agents:\n  - name: claude\n    role: coder\n    worker: claude\n");
        assertThatThrownBy(() -> AgentProfiles.load(repo)).isInstanceOf(SettingsException.class)
                .hasMessageContaining("munero.yaml:7").hasMessageContaining("worker");
    }
}
