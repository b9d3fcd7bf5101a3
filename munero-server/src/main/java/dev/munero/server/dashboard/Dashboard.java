package dev.munero.server.dashboard;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The dashboard at {@code /}: static files (HTML, CSS and ES modules; no build step, nothing fetched from another
 * host) from the classpath folder {@value #FOLDER}, served by the same Javalin app as the API. The pages read the
 * REST routes under {@code /api/v1} and follow a run's events over its WebSocket; when the server has auth on they
 * ask for a token once and keep it in the tab's sessionStorage.
 *
 * <p>Every file goes out with a Content-Security-Policy that allows only this origin (scripts, styles, fetches,
 * WebSockets), so nothing a run wrote into an event (tool output, logs, specs) can load code, and the page cannot
 * talk to another host. Stateless; {@link #mount} is called once per app while it is configured.
 */
public final class Dashboard {
    /** Where the files are on the classpath. */
    public static final String FOLDER = "/dev/munero/server/dashboard";

    /** The headers every dashboard file is served with. */
    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            // small files that change with the jar: the browser asks again (a 304 when unchanged)
            "Cache-Control", "no-cache");

    private Dashboard() {
    }

    /** Serves the dashboard's files at {@code /} ({@code /} itself is {@code index.html}). */
    public static void mount(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = FOLDER;
            files.location = Location.CLASSPATH;
            files.headers = HEADERS;
        });
    }
}
