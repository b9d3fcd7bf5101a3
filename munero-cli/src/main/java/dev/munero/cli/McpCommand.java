package dev.munero.cli;

import picocli.CommandLine.Command;

/**
 * {@code munero mcp}: Munero as an MCP server over stdio for hosts that spawn it, {@code munero mcp config HOST}
 * (the snippet that registers Munero in a host) and {@code munero mcp servers ...} (the MCP servers Munero's agents
 * use). CONTRACT SKELETON (issue 13): the mcp-front helper fills this class and {@link McpConfigCommand}; the
 * mcp-run helper fills {@link McpServersCommand}.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "Serve Munero to MCP hosts over stdio; configure hosts and the MCP servers agents use.",
        subcommands = {McpConfigCommand.class, McpServersCommand.class})
final class McpCommand implements Runnable {
    final Invocation invocation;

    McpCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        throw new UnsupportedOperationException("contract skeleton: mcp-front serves stdio here");
    }
}
