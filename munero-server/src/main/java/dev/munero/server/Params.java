package dev.munero.server;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** Query parameters, checked: a bad value is a 400 that names the parameter, its range and what was sent. */
final class Params {
    private Params() {
    }

    /**
     * An integer query parameter from {@code min} to {@code max}, or {@code fallback} when absent.
     *
     * @throws ProblemException 400 when it is not such an integer
     */
    static long integer(Context ctx, String name, long fallback, long min, long max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ProblemException.badRequest("the query parameter " + name + " must be an integer from " + min + " to "
                + max + ", was '" + text + "'");
    }

    /** A boolean query parameter ({@code true}/{@code false}), or {@code fallback}. @throws ProblemException 400 */
    static boolean bool(Context ctx, String name, boolean fallback) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        return switch (text.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.badRequest("the query parameter " + name + " must be true or false, "
                    + "was '" + text + "'");
        };
    }

    /** A list parameter: repeated, or comma-separated, or both; empty when absent. */
    static List<String> list(Context ctx, String name) {
        List<String> out = new ArrayList<>();
        for (String v : ctx.queryParams(name)) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }
}
