package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.agent.safety.Approver;
import dev.munero.agent.safety.Decision;
import dev.munero.agent.safety.PermissionException;
import dev.munero.agent.safety.PermissionMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PermissionGateTest {
    @TempDir
    Path workspace;

    private final List<String> asked = new ArrayList<>();

    private ToolContext context(PermissionMode mode, Approver approver) {
        return ToolContext.builder(workspace).permissionMode(mode).approver(approver).build();
    }

    private Approver recording(boolean answer) {
        return (tool, summary) -> {
            asked.add(tool + ": " + summary);
            return answer;
        };
    }

    @Test
    void readsAndFinishNeverAskEvenInAskMode() throws Exception {
        ToolContext ask = context(PermissionMode.ASK, Approver.noTerminal());

        assertThat(PermissionGate.check(new ReadFileTool(), Args.of("path", "a"), ask)).isInstanceOf(Decision.Allow.class);
        assertThat(PermissionGate.check(new GrepTool(), Args.of("pattern", "x"), ask)).isInstanceOf(Decision.Allow.class);
        assertThat(PermissionGate.check(new FinishTool(), Args.of("summary", "done"), ask)).isInstanceOf(Decision.Allow.class);
    }

    @Test
    void editsAndBuildsRunWithoutAskingInAutoEdit() throws Exception {
        ToolContext autoEdit = context(PermissionMode.AUTO_EDIT, Approver.noTerminal());

        assertThat(PermissionGate.check(new WriteFileTool(), Args.of("path", "a"), autoEdit)).isInstanceOf(Decision.Allow.class);
        assertThat(PermissionGate.check(new BuildTool(), Args.of(), autoEdit)).isInstanceOf(Decision.Allow.class);
    }

    @Test
    void askModeAsksBeforeEditsWithThePathAndHonoursTheAnswer() throws Exception {
        Decision approved = PermissionGate.check(new EditFileTool(), Args.of("path", "src/A.java"),
                context(PermissionMode.ASK, recording(true)));
        Decision refused = PermissionGate.check(new WriteFileTool(), Args.of("path", "b.txt"),
                context(PermissionMode.ASK, recording(false)));

        assertThat(approved).isInstanceOf(Decision.Allow.class);
        assertThat(refused).isInstanceOf(Decision.Deny.class);
        assertThat(refused.reason()).startsWith("the user refused write_file: b.txt");
        assertThat(asked).containsExactly("edit_file: src/A.java", "write_file: b.txt");
    }

    @Test
    void commandsFollowTheAllowListInAutoEdit() throws Exception {
        ToolContext autoEdit = context(PermissionMode.AUTO_EDIT, recording(true));

        assertThat(PermissionGate.check(new RunCommandTool(), Args.of("command", "git status"), autoEdit))
                .isInstanceOf(Decision.Allow.class);
        assertThat(PermissionGate.check(new RunCommandTool(), Args.of("command", "npm install"), autoEdit))
                .isInstanceOf(Decision.Allow.class);
        assertThat(asked).containsExactly("run_command: npm install");
    }

    @Test
    void aDeniedCommandIsDeniedEvenInFullModeWithoutAsking() throws Exception {
        Decision decision = PermissionGate.check(new RunCommandTool(), Args.of("command", "git push"),
                context(PermissionMode.FULL, recording(true)));

        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(decision.reason()).startsWith("denied by policy: git push is never allowed");
        assertThat(asked).isEmpty();
    }

    @Test
    void askModeWithoutATerminalStopsTheRunWithItsOwnException() {
        ToolContext noTerminal = context(PermissionMode.ASK, Approver.noTerminal());

        assertThatThrownBy(() -> PermissionGate.check(new RunCommandTool(), Args.of("command", "npm install"), noTerminal))
                .isInstanceOf(PermissionException.class)
                .hasMessageContaining("run_command: npm install");
    }

    @Test
    void autoEditWithoutATerminalDeniesOnlyTheCommandThatNeededApproval() throws Exception {
        ToolContext noTerminal = context(PermissionMode.AUTO_EDIT, Approver.noTerminal());

        Decision decision = PermissionGate.check(new RunCommandTool(), Args.of("command", "npm install"), noTerminal);

        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(decision.reason()).contains("no terminal to ask on").contains("--allow");
    }

    @Test
    void aCommandCallWithoutACommandIsDenied() throws Exception {
        Decision decision = PermissionGate.check(new RunCommandTool(), Args.of(), context(PermissionMode.FULL, recording(true)));

        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(decision.reason()).isEqualTo("run_command needs a non-empty 'command' string");
    }

    /** An MCP tool as the gate sees it: a name and the kind (the gate never calls it). */
    private static Tool mcpTool(String name) {
        return new Tool() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "an MCP tool";
            }

            @Override
            public tools.jackson.databind.node.ObjectNode inputSchema() {
                return Schema.object().build();
            }

            @Override
            public ToolKind kind() {
                return ToolKind.MCP;
            }

            @Override
            public ToolResult execute(tools.jackson.databind.JsonNode input, ToolContext context) {
                throw new AssertionError("the gate must not run the tool");
            }
        };
    }

    private ToolContext mcpContext(PermissionMode mode, Approver approver, List<String> allow, List<String> deny) {
        return ToolContext.builder(workspace).permissionMode(mode).approver(approver)
                .commandPolicy(dev.munero.agent.safety.CommandPolicy.defaults().withAllowed(allow).withDenied(deny))
                .build();
    }

    @Test
    void anMcpToolOnTheDenyListIsDeniedInEveryModeWithoutAsking() throws Exception { // issue 13
        for (PermissionMode mode : PermissionMode.values()) {
            Decision decision = PermissionGate.check(mcpTool("mcp__fs__write_file"), Args.of("path", "x"),
                    mcpContext(mode, recording(true), List.of("mcp__fs__*"), List.of("mcp__fs__write_*")));

            assertThat(decision).isInstanceOf(Decision.Deny.class);
            assertThat(decision.reason()).isEqualTo("denied by policy: mcp__fs__write_file matches the deny pattern "
                    + "'mcp__fs__write_*'");
        }
        assertThat(asked).isEmpty();
    }

    @Test
    void anMcpToolOnTheAllowListRunsInAutoEditAndFullModeAllowsEveryOther() throws Exception { // issue 13
        Decision allowed = PermissionGate.check(mcpTool("mcp__fs__read_file"), Args.of(),
                mcpContext(PermissionMode.AUTO_EDIT, recording(false), List.of("mcp__fs__*"), List.of()));
        Decision full = PermissionGate.check(mcpTool("mcp__memory__read_graph"), Args.of(),
                mcpContext(PermissionMode.FULL, recording(false), List.of(), List.of()));

        assertThat(allowed).isInstanceOf(Decision.Allow.class);
        assertThat(allowed.reason()).isEqualTo("matches the allow pattern 'mcp__fs__*'");
        assertThat(full).isInstanceOf(Decision.Allow.class);
        assertThat(asked).isEmpty();
    }

    @Test
    void anMcpToolOffTheAllowListAsksInAutoEditAndEveryMcpToolAsksInAskMode() throws Exception { // issue 13
        Decision autoEdit = PermissionGate.check(mcpTool("mcp__memory__create_entities"), Args.of("n", "1"),
                mcpContext(PermissionMode.AUTO_EDIT, recording(true), List.of("mcp__fs__*"), List.of()));
        Decision ask = PermissionGate.check(mcpTool("mcp__fs__read_file"), Args.of(),
                mcpContext(PermissionMode.ASK, recording(false), List.of("mcp__fs__*"), List.of()));

        assertThat(autoEdit).isInstanceOf(Decision.Allow.class);
        assertThat(ask).isInstanceOf(Decision.Deny.class);
        assertThat(ask.reason()).startsWith("the user refused mcp__fs__read_file");
        assertThat(asked).hasSize(2);
        assertThat(asked.get(0)).startsWith("mcp__memory__create_entities: ");
    }

    @Test
    void headlessAnMcpToolThatNeedsApprovalIsDeniedWithTheAllowPatternToAdd() throws Exception { // issue 13
        Decision decision = PermissionGate.check(mcpTool("mcp__fs__write_file"), Args.of("path", "x"),
                mcpContext(PermissionMode.AUTO_EDIT, Approver.noTerminal(), List.of(), List.of()));

        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(decision.reason()).startsWith("not allowed without approval, and there is no terminal to ask on: "
                + "mcp__fs__write_file {\"path\":\"x\"}; the user can allow it with --allow 'mcp__fs__write_file' "
                + "(or --allow 'mcp__fs__*' for every tool of its server");
    }
}
