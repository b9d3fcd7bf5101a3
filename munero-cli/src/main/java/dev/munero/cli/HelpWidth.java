package dev.munero.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IHelpSectionRenderer;

/**
 * Fits {@code --help} text to the user's terminal, breaking lines only between words. picocli's own wrapping
 * breaks inside words at a {@code .} ({@code .munero/cache} became {@code .} and {@code munero/cache} at 80
 * columns) and cannot go below 55 columns ({@code UsageMessageSpec.MINIMUM_USAGE_WIDTH}), so picocli lays the help
 * out on unbroken lines and each section is wrapped here at the last space before the edge: an option's
 * description continues under its description column, the synopsis under its first parameter, other text under
 * its own indentation. Stateless.
 */
final class HelpWidth {
    /** The width when the terminal's is unknown (not a terminal, or not started by the launcher), as picocli's. */
    static final int DEFAULT_COLUMNS = 80;
    private static final int UNBROKEN = 1_000;

    private HelpWidth() {
    }

    /**
     * Makes the help of {@code cl} and its current subcommands fit {@code columns}.
     *
     * @param columns the terminal's width; 0 when unknown ({@value #DEFAULT_COLUMNS})
     */
    static void apply(CommandLine cl, int columns) {
        int width = columns > 0 ? columns : DEFAULT_COLUMNS;
        cl.setUsageHelpWidth(UNBROKEN);
        rewrap(cl, width);
    }

    private static void rewrap(CommandLine cl, int columns) {
        Map<String, IHelpSectionRenderer> sections = cl.getHelpSectionMap();
        IHelpSectionRenderer heading = sections.get(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS_HEADING);
        sections.replaceAll((key, renderer) -> key.equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS) && heading != null
                // the synopsis continues the heading's line ("Usage: "): wrap them together, print the synopsis part
                ? help -> {
                    String prefix = heading.render(help);
                    return fit(prefix + renderer.render(help), columns).substring(prefix.length());
                }
                : help -> fit(renderer.render(help), columns));
        cl.setHelpSectionMap(sections);
        cl.getSubcommands().values().forEach(sub -> rewrap(sub, columns));
    }

    /**
     * {@code text} with every line longer than {@code columns} broken at its last space before the edge (only a
     * word longer than the room left is cut), each continuation indented as the class comment says.
     */
    static String fit(String text, int columns) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        String[] lines = text.split("\n", -1);
        for (int l = 0; l < lines.length; l++) {
            String line = lines[l].length() > columns ? lines[l].stripTrailing() : lines[l];
            int indent = continuationIndent(line, columns);
            while (line.length() > columns) {
                int cut = line.lastIndexOf(' ', columns);
                int next;
                if (cut <= indent) { // no space to break at after the indentation: cut the word
                    cut = columns;
                    next = columns;
                } else {
                    next = cut + 1;
                }
                out.append(line, 0, cut).append('\n');
                line = " ".repeat(indent) + line.substring(next).stripLeading();
            }
            out.append(line);
            if (l < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** Where a wrapped line continues (see the class comment); at most {@code columns - 20}. */
    private static int continuationIndent(String line, int columns) {
        int lead = 0;
        while (lead < line.length() && line.charAt(lead) == ' ') {
            lead++;
        }
        int limit = Math.max(0, columns - 20);
        if (line.startsWith("Usage: ")) {
            int param = line.indexOf(" [");
            return param > 0 && param + 1 <= limit ? param + 1 : Math.min(lead, limit);
        }
        int gap = line.indexOf("  ", lead);
        if (gap > lead) { // an option (or subcommand) and its description
            int desc = gap;
            while (desc < line.length() && line.charAt(desc) == ' ') {
                desc++;
            }
            if (desc < line.length() && desc <= limit) {
                return desc;
            }
        }
        return Math.min(lead, limit);
    }
}
