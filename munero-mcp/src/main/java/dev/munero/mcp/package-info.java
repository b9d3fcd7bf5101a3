/**
 * Munero as an MCP server (issue 13): the tools and resources a host such as Claude Code calls, each a thin call
 * into the application API of {@code dev.munero.core.app}, served over stdio ({@code munero mcp}) and over
 * Streamable HTTP at {@code /mcp} in {@code munero serve}. Built on the official MCP Java SDK
 * ({@code io.modelcontextprotocol.sdk}, spec 2025-11-25).
 */
package dev.munero.mcp;
