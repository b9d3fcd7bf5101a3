package dev.munero.cli;

import picocli.CommandLine.Command;

/** {@code munero mcp config HOST}. CONTRACT SKELETON (issue 13): owned by the mcp-front helper. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Print how to register Munero in an MCP host.")
final class McpConfigCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("contract skeleton");
    }
}
