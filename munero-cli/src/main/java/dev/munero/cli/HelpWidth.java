package dev.munero.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IHelpSectionRenderer;

/**
 * Fits {@code --help} text to the user's terminal, so that lines wrap between words rather than where the terminal
 * cuts them. picocli wraps at its usage width, which defaults to 80 columns and cannot go below
 * {@value #PICOCLI_MIN_WIDTH} ({@code UsageMessageSpec.MINIMUM_USAGE_WIDTH}); on a narrower terminal each help
 * section is wrapped again at the last space before the edge. Stateless.
 */
final class HelpWidth {
    static final int PICOCLI_MIN_WIDTH = 55;

    private HelpWidth() {
    }

    /**
     * Sets the usage width of {@code cl} and its current subcommands to {@code columns}.
     *
     * @param columns the terminal's width; 0 (unknown) leaves picocli's default of 80
     */
    static void apply(CommandLine cl, int columns) {
        if (columns <= 0) {
            return;
        }
        cl.setUsageHelpWidth(Math.max(PICOCLI_MIN_WIDTH, columns));
        if (columns < PICOCLI_MIN_WIDTH) {
            rewrap(cl, columns);
        }
    }

    private static void rewrap(CommandLine cl, int columns) {
        Map<String, IHelpSectionRenderer> sections = cl.getHelpSectionMap();
        sections.replaceAll((key, renderer) -> help -> fit(renderer.render(help), columns));
        cl.setHelpSectionMap(sections);
        cl.getSubcommands().values().forEach(sub -> rewrap(sub, columns));
    }

    /**
     * {@code text} with every line longer than {@code columns} broken at its last space before the edge (a word
     * longer than a line is cut); a continuation is indented like the text it continues: an option's description
     * column, else the line's own indentation.
     */
    static String fit(String text, int columns) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        String[] lines = text.split("\n", -1);
        for (int l = 0; l < lines.length; l++) {
            String line = lines[l];
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

    /** Where a wrapped line's text continues: after an option's name column, else under its first character. */
    private static int continuationIndent(String line, int columns) {
        int lead = 0;
        while (lead < line.length() && line.charAt(lead) == ' ') {
            lead++;
        }
        int gap = line.indexOf("  ", lead);
        if (gap > lead) {
            int desc = gap;
            while (desc < line.length() && line.charAt(desc) == ' ') {
                desc++;
            }
            if (desc < line.length() && desc <= columns / 2) {
                return desc;
            }
        }
        return Math.min(lead, columns / 2);
    }
}
