package dev.munero.agent.tools;

import dev.munero.agent.safety.Decision;
import dev.munero.agent.safety.PermissionException;
import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Decides whether one tool call may run, before the agent loop executes it:
 * <ul>
 *   <li>{@link ToolKind#READ} and {@link ToolKind#FINISH}: always allowed;</li>
 *   <li>{@link ToolKind#EDIT} and {@link ToolKind#BUILD}: allowed, except in {@link PermissionMode#ASK}, where the
 *       user is asked;</li>
 *   <li>{@link ToolKind#COMMAND}: {@link #command} decides: the context's {@link dev.munero.agent.safety.CommandPolicy}
 *       with the sandbox in mind; when it says ask, the user is asked;</li>
 *   <li>{@link ToolKind#MCP}: {@link #mcp} decides, by the tool's full name ({@code mcp__fs__read_file}): a deny
 *       pattern of the command policy denies in every mode; {@code ask} asks; an allow pattern ({@code --allow
 *       'mcp__fs__*'}) allows; otherwise {@code full} allows and {@code auto-edit} asks. Where no one can be asked
 *       (headless), the call is denied with the allow pattern that would let it run.</li>
 * </ul>
 * Asking goes to the context's {@link dev.munero.agent.safety.Approver} with {@link Tool#summary}. The result is
 * never {@link Decision.Ask}: an approval gives {@link Decision.Allow}, a refusal {@link Decision.Deny} with a reason
 * the loop returns to the model as an error result.
 *
 * <p>Thread-safe: stateless.
 */
public final class PermissionGate {
    private PermissionGate() {
    }

    /**
     * Whether the shell command line {@code command} may run in {@code context}, before asking anyone:
     * <ul>
     *   <li>the deny lists hold in every case;</li>
     *   <li>in the sandbox ({@link Sandbox#contains()}), {@code auto-edit} runs every other command: the sandbox is the
     *       boundary, as with Codex's workspace-write sandbox; {@code ask} asks;</li>
     *   <li>where the sandbox cannot start ({@link Sandbox#refusesUnlisted()}), every command off the allow list, or
     *       naming a place outside the workspace, is {@link Decision.Deny denied} in every mode;</li>
     *   <li>with {@code --sandbox off}, the command policy decides for the permission mode, and {@code auto-edit}
     *       asks for a command that names a place outside the workspace.</li>
     * </ul>
     *
     * @return {@link Decision.Allow}, {@link Decision.Ask} or {@link Decision.Deny} with a reason the model can read
     */
    public static Decision command(String command, ToolContext context) {
        Sandbox sandbox = context.sandbox();
        PermissionMode mode = context.permissionMode();
        if (sandbox.contains()) {
            return context.commandPolicy().decide(command, mode == PermissionMode.AUTO_EDIT ? PermissionMode.FULL : mode);
        }
        Optional<Path> uncontained = Optional.of(context.workspace());
        if (!sandbox.refusesUnlisted()) {
            return context.commandPolicy().decide(command, mode, uncontained);
        }
        Decision listed = context.commandPolicy().decide(command, PermissionMode.AUTO_EDIT, uncontained);
        if (listed instanceof Decision.Ask ask) {
            return Decision.deny("not run: " + ask.reason() + ". There is no sandbox on this machine, so only "
                    + "read-only commands on the allow list run (the user can change that with --sandbox off). Use "
                    + "the build tool to build and test, and read_file, grep and glob to read");
        }
        return listed instanceof Decision.Allow && mode == PermissionMode.ASK ? Decision.ask("permission mode ask")
                : listed;
    }

    /**
     * Whether the MCP tool named {@code name} ({@code mcp__<server>__<tool>}) may run in {@code context}, before asking
     * anyone: a {@link dev.munero.agent.safety.CommandPolicy#deniedName deny pattern} denies in every mode, {@code ask}
     * asks, an {@link dev.munero.agent.safety.CommandPolicy#allowedName allow pattern} allows, {@code full} allows,
     * {@code auto-edit} asks. The sandbox does not change it: an MCP server may act outside the workspace (an HTTP
     * server always does), so only the user's patterns and mode decide.
     *
     * @return {@link Decision.Allow}, {@link Decision.Ask} or {@link Decision.Deny} with a reason the model can read
     */
    public static Decision mcp(String name, ToolContext context) {
        PermissionMode mode = context.permissionMode();
        Optional<String> denied = context.commandPolicy().deniedName(name);
        if (denied.isPresent()) {
            return Decision.deny("denied by policy: " + name + " matches the deny pattern '" + denied.get() + "'");
        }
        if (mode == PermissionMode.ASK) {
            return Decision.ask("permission mode ask");
        }
        Optional<String> allowed = context.commandPolicy().allowedName(name);
        if (allowed.isPresent()) {
            return Decision.allow("matches the allow pattern '" + allowed.get() + "'");
        }
        return mode == PermissionMode.FULL ? Decision.allow("permission mode full")
                : Decision.ask("the MCP tool " + name + " is not on the allow list");
    }

    /** The allow patterns that would let MCP tool {@code name} run: itself, and all of its server's tools. */
    static String mcpAllowHint(String name) {
        int end = name.indexOf("__", "mcp__".length());
        String server = end > 0 ? name.substring(0, end + 2) + "*" : null;
        return "--allow '" + name + "'" + (server != null ? " (or --allow '" + server + "' for every tool of its "
                + "server; run.allow in munero.yaml)" : "");
    }

    /**
     * Whether {@code tool} may run with {@code input}.
     *
     * @return {@link Decision.Allow} or {@link Decision.Deny}, with a reason the model can read, e.g.
     *         "denied by policy: git push is never allowed: ..." or "the user refused run_command: rm -r build"
     * @throws PermissionException  when the user must be asked and cannot be (no terminal): the loop must stop the
     *                              run and show the message, not pass it to the model
     * @throws InterruptedException when the run is cancelled while waiting for the user
     */
    public static Decision check(Tool tool, JsonNode input, ToolContext context) throws InterruptedException {
        PermissionMode mode = context.permissionMode();
        Decision decision = switch (tool.kind()) {
            case READ -> Decision.allow("reads the workspace");
            case FINISH -> Decision.allow("ends the work");
            case EDIT, BUILD -> mode == PermissionMode.ASK ? Decision.ask("permission mode ask")
                    : Decision.allow("permission mode " + mode.cliName());
            case COMMAND -> {
                String command = input == null ? "" : input.path("command").asString("");
                yield command.isBlank() ? Decision.deny(tool.name() + " needs a non-empty 'command' string")
                        : command(command, context);
            }
            case MCP -> mcp(tool.name(), context);
        };
        if (!(decision instanceof Decision.Ask ask)) {
            return decision;
        }
        String summary = tool.summary(input);
        boolean approved;
        try {
            approved = context.approver().approve(tool.name(), summary);
        } catch (PermissionException noWayToAsk) {
            if (mode == PermissionMode.ASK) {
                throw noWayToAsk; // every action needs approval: the run cannot do anything
            }
            // auto-edit: only this command needed approval; the model can work without it
            if (tool.kind() == ToolKind.MCP) {
                return Decision.deny("not allowed without approval, and there is no terminal to ask on: "
                        + tool.name() + " " + summary + "; the user can allow it with " + mcpAllowHint(tool.name()) + " or --permission-mode full. "
                        + "Try another way, or explain in finish what you need");
            }
            return Decision.deny("not allowed without approval, and there is no terminal to ask on: " + summary
                    + "; the user can allow it with --allow or --permission-mode full. Try another way, or explain "
                    + "in finish what you need");
        }
        if (approved) {
            return Decision.allow("the user approved (" + ask.reason() + ")");
        }
        return Decision.deny("the user refused " + tool.name() + ": " + summary
                + "; do not retry it as it is: try another way, or explain in finish what you need");
    }
}
