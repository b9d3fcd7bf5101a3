package dev.munero.agent.worker;

import dev.munero.llm.Usage;
import java.util.OptionalDouble;

/**
 * What a worker does, mapped from its CLI's stream (or the built-in agent's events) into one shape. Sealed: a listener
 * switches over the variants. Tool arguments and outputs are the CLI's and the workspace's own.
 */
public sealed interface WorkerEvent {

    /** The CLI's session began (Claude Code {@code system/init}, Codex {@code thread.started}, Gemini {@code init}). */
    record SessionStarted(String sessionId, String model) implements WorkerEvent { }

    /** Text the model wrote (a whole message, or a piece of one for CLIs that stream deltas). */
    record AssistantText(String text) implements WorkerEvent { }

    /**
     * A tool call began.
     *
     * @param id        the CLI's id of the call, to pair it with its {@link ToolResult}
     * @param name      the tool's name as the CLI calls it ({@code Bash}, {@code command_execution}, ...)
     * @param inputJson its input, as JSON text (for a Codex command, {@code {"command": "..."}})
     */
    record ToolUse(String id, String name, String inputJson) implements WorkerEvent { }

    /** A tool call ended; {@code output} is what the CLI reported (may be empty). */
    record ToolResult(String id, String name, boolean error, String output) implements WorkerEvent { }

    /**
     * The spend so far changed.
     *
     * @param usage   the task's tokens so far
     * @param costUsd the task's cost so far in USD; empty when unknown
     * @param source  where the cost comes from
     */
    record UsageUpdate(Usage usage, OptionalDouble costUsd, CostSource source) implements WorkerEvent { }

    /**
     * Something of note that is not the work itself: an unknown event type, a malformed line, a CLI warning, what
     * Munero did to the process. Never fatal.
     *
     * @param level {@code debug} for what was ignored, {@code warn} for what the user should see
     */
    record Note(String level, String text) implements WorkerEvent { }
}
