package dev.munero.cli;

import picocli.CommandLine.Command;

/** {@code munero mcp servers list|check|add|remove}. CONTRACT SKELETON (issue 13): owned by the mcp-run helper. */
@Command(name = "servers", mixinStandardHelpOptions = true, description = "The MCP servers Munero's agents use.")
final class McpServersCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("contract skeleton");
    }
}
