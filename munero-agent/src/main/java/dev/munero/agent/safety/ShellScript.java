package dev.munero.agent.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A shell command line as {@link ShellParser} splits it, for the command policy: not an interpreter's syntax tree,
 * but every simple command that could run, with the words it would run with.
 *
 * @param pipelines the pipelines in order (separated by {@code ;}, {@code &&}, {@code ||}, {@code &} or newline)
 * @param complete  false when the text ended inside a quote, a substitution or a here-document; such a command
 *                  is never allowed without asking
 */
record ShellScript(List<Pipeline> pipelines, boolean complete) {
    ShellScript {
        pipelines = List.copyOf(pipelines);
    }

    /** Simple commands joined by {@code |} or {@code |&}; one command for a plain command. */
    record Pipeline(List<SimpleCommand> commands) {
        Pipeline {
            commands = List.copyOf(commands);
        }
    }

    /**
     * One command.
     *
     * @param words       its words with quotes removed; reserved words ({@code if}, {@code then}, {@code !}, ...)
     *                    left out; substitutions kept as written, e.g. {@code $(date)}
     * @param outputFiles the targets of its output redirections ({@code >}, {@code >>}, {@code &>}, ...)
     * @param nested      the scripts in its command and process substitutions ({@code $(...)}, backticks,
     *                    {@code <(...)}, {@code >(...)})
     * @param hereDocs    the bodies of its here-documents, parsed as scripts (what a shell reading them would run)
     */
    record SimpleCommand(List<String> words, List<String> outputFiles, List<ShellScript> nested,
                         List<ShellScript> hereDocs) {
        SimpleCommand {
            words = List.copyOf(words);
            outputFiles = List.copyOf(outputFiles);
            nested = List.copyOf(nested);
            hereDocs = List.copyOf(hereDocs);
        }

        /** The words joined by single spaces, e.g. {@code git push origin main}. */
        String text() {
            return String.join(" ", words);
        }
    }

    /** Every simple command, including those in substitutions (not here-documents), depth first. */
    List<SimpleCommand> allCommands() {
        List<SimpleCommand> out = new ArrayList<>();
        forEachCommand(out::add);
        return out;
    }

    private void forEachCommand(Consumer<SimpleCommand> action) {
        for (Pipeline p : pipelines) {
            for (SimpleCommand c : p.commands()) {
                action.accept(c);
                c.nested().forEach(n -> n.forEachCommand(action));
            }
        }
    }

    /** Whether this script and every substitution in it ended properly. */
    boolean completeThroughout() {
        return complete && pipelines.stream().flatMap(p -> p.commands().stream())
                .allMatch(c -> c.nested().stream().allMatch(ShellScript::completeThroughout));
    }
}
