package dev.munero.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.agent.mcp.McpServerSpec;
import dev.munero.agent.mcp.McpServers;
import dev.munero.agent.mcp.McpStatusListener;
import dev.munero.agent.safety.CommandPolicy;
import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.Tools;
import dev.munero.engine.exec.ProcessRunner;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.pricing.ModelInfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent loop with MCP tools: their names pass the providers' check, the gate decides, results are redacted. */
class AgentMcpTest {
    @TempDir
    Path workspace;
    private Path script;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(!ProcessRunner.resolveProgram("node", System.getenv(), workspace).equals("node"),
                "node is not on the PATH: the fake MCP server is a Node script");
        script = workspace.resolve("fake-mcp-server.js");
        try (InputStream in = getClass().getResourceAsStream("/dev/munero/agent/mcp/fake-mcp-server.js")) {
            Files.copy(in, script);
        }
    }

    private AgentResult run(ScriptedChatModel model, McpServers hub, PermissionMode mode, List<String> allow,
                            Map<String, String> env) {
        ToolContext context = ToolContext.builder(workspace).permissionMode(mode).environment(env)
                .commandPolicy(CommandPolicy.defaults().withAllowed(allow)).build();
        List<Tool> tools = new ArrayList<>(Tools.standard());
        tools.addAll(hub.tools());
        return Agent.builder(model, context).modelInfo(ModelInfo.UNKNOWN).tools(tools)
                .limits(new AgentLimits(5, OptionalDouble.empty(), Duration.ofMinutes(10), 3, 1024)).build()
                .run("use the MCP server");
    }

    private McpServers hub() throws InterruptedException {
        return McpServers.start(List.of(McpServerSpec.stdio("fake", "node", List.of(script.toString(), "ok"), Map.of())),
                McpServers.Launch.unsandboxed(workspace), McpStatusListener.NONE);
    }

    @Test
    void anAllowedMcpToolRunsAndItsResultIsRedactedOfSecrets() throws Exception { // issue 13
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MUNERO_FAKE_API_KEY", "sk-munero-test-secret-0123456789");
        var model = new ScriptedChatModel()
                .thenToolCall("mcp__fake__echo", "{\"text\": \"key sk-munero-test-secret-0123456789 and more\"}")
                .thenToolCall("finish", "{\"summary\": \"echoed\"}");
        try (McpServers hub = hub()) {
            AgentResult result = run(model, hub, PermissionMode.AUTO_EDIT, List.of("mcp__fake__*"), env);

            assertThat(result.condition()).isEqualTo(StopCondition.FINISHED);
            assertThat(model.requests.get(0).tools()).extracting(t -> t.name()).contains("mcp__fake__echo");
            ContentBlock.ToolResult echoed = (ContentBlock.ToolResult) model.requests.get(1).messages().get(2)
                    .content().get(0);
            assertThat(echoed.error()).isFalse();
            assertThat(echoed.content()).startsWith("key ").endsWith(" and more")
                    .doesNotContain("sk-munero-test-secret-0123456789");
        }
    }

    @Test
    void headlessAnMcpToolOffTheAllowListIsDeniedWithThePatternToAdd() throws Exception { // issue 13
        var model = new ScriptedChatModel()
                .thenToolCall("mcp__fake__echo", "{\"text\": \"hi\"}")
                .thenToolCall("finish", "{\"summary\": \"could not\"}");
        try (McpServers hub = hub()) {
            run(model, hub, PermissionMode.AUTO_EDIT, List.of(), System.getenv());

            ContentBlock.ToolResult denied = (ContentBlock.ToolResult) model.requests.get(1).messages().get(2)
                    .content().get(0);
            assertThat(denied.error()).isTrue();
            assertThat(denied.content()).contains("--allow 'mcp__fake__echo'").contains("--allow 'mcp__fake__*'");
        }
    }
}
